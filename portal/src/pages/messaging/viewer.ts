import { graphql } from '../../gql/index.ts';

/** Who is writing: teachers and staff may ask a mot's signature; staff find the direction's reported messages. */
export const MessagingViewer = graphql(`
  query MessagingViewer {
    viewer {
      profile
    }
  }
`);
