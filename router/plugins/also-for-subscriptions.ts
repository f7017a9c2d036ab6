import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isAsyncIterable } from '@graphql-tools/utils';

/**
 * Envelop runs a subscription through `onSubscribe`, never `onExecute`: a plugin written for
 * operations (authorization, the journal, the operation limits, error hygiene) would not see a
 * subscription at all. This gives such a plugin an `onSubscribe` that is its `onExecute`: the same
 * checks before the subscription starts (refusals, the filtered document), and its `onExecuteDone`
 * on each event of the stream, as if each were one operation's result.
 *
 * A plugin that has its own `onSubscribe` is left as it is.
 */
export function alsoForSubscriptions<TContext extends Record<string, unknown>>(plugin: GatewayPlugin<TContext>): GatewayPlugin<TContext> {
  const { onExecute } = plugin;
  if (!onExecute || plugin.onSubscribe) return plugin;
  return {
    ...plugin,
    async onSubscribe({ args, subscribeFn, setSubscribeFn, context, extendContext, setResultAndStopExecution }) {
      const hooks = await onExecute({
        args,
        executeFn: subscribeFn,
        setExecuteFn: setSubscribeFn,
        context,
        extendContext,
        setResultAndStopExecution,
      });
      const done = hooks?.onExecuteDone;
      if (!done) return;
      return {
        onSubscribeResult({ args: resultArgs, result, setResult }) {
          // A refusal or a failed start is one result; a stream gives each event to the plugin.
          if (!isAsyncIterable(result)) return void done({ args: resultArgs, result, setResult });
          return {
            onNext: ({ args: eventArgs, result: event, setResult: setEvent }) =>
              void done({ args: eventArgs, result: event, setResult: (replaced) => setEvent(isAsyncIterable(replaced) ? event : replaced) }),
          };
        },
      };
    },
  };
}
