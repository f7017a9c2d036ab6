import type { ComponentChildren } from 'preact';

/** A message that screen readers announce when it appears (`role="status"`, or `alert` for a failure). */
export function Notice(props: { kind: 'info' | 'warning' | 'error'; children: ComponentChildren }) {
  return (
    <p class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </p>
  );
}

export const Loading = () => (
  <p class="loading" role="status">
    Chargement…
  </p>
);
