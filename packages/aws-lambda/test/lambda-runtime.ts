import type { Context } from "aws-lambda";

/** What one invocation ended with, as the Lambda service sees it. */
export type Invocation<R> =
  | { readonly kind: "returned"; readonly result: R }
  | { readonly kind: "failed"; readonly error: string }
  | { readonly kind: "timed out" };

/**
 * Invokes `handler` the way the Lambda Node.js runtime does: the event arrives as JSON parsed afresh, the
 * context carries `getRemainingTimeInMillis()` counting down from the function's timeout, the returned
 * promise is awaited, and its value goes back through `JSON.stringify`. A handler that does not settle
 * within the timeout is cut off, as Lambda stops the invocation ("Task timed out").
 */
export async function invokeLambda<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  event: unknown,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
): Promise<Invocation<R>> {
  const startedAt = performance.now();
  const context = lambdaContext(() => Math.max(0, Math.floor(timeoutMs - (performance.now() - startedAt))));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Invocation<R>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timed out" }), timeoutMs);
  });
  const run = (async (): Promise<Invocation<R>> => {
    try {
      const result = await handler(JSON.parse(JSON.stringify(event)) as E, context);
      return { kind: "returned", result: JSON.parse(JSON.stringify(result ?? null)) as R };
    } catch (error) {
      return {
        kind: "failed",
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
  })();
  try {
    return await Promise.race([run, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

let requests = 0;

function lambdaContext(remaining: () => number): Context {
  const unsupported = () => {
    throw new Error("the callback-style context methods are not used by an async handler");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "telegram-bot",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:telegram-bot",
    memoryLimitInMB: "128",
    awsRequestId: `00000000-0000-4000-8000-${String(++requests).padStart(12, "0")}`,
    logGroupName: "/aws/lambda/telegram-bot",
    logStreamName: "2026/03/04/[$LATEST]0123456789abcdef0123456789abcdef",
    getRemainingTimeInMillis: remaining,
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
