/**
 * Bridges a callback-style producer (node-llama-cpp's onTextChunk) to an async generator, so that
 * LangChain's streaming sees tokens as llama.cpp produces them. The producer's result ends the
 * stream; its failure is rethrown to the consumer.
 */
export async function* pushChunks<Item, Output = Item, Result = unknown>(
  produce: (push: (item: Item) => void) => Promise<Result>,
  map: (item: Item) => Output,
): AsyncGenerator<Output, Result> {
  const buffered: Item[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let result: Result | undefined;
  const done = produce((item) => {
    buffered.push(item);
    wake?.();
  }).then(
    (value) => {
      result = value;
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wake?.();
    },
  );
  while (true) {
    while (buffered.length > 0) yield map(buffered.shift() as Item);
    if (finished) break;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  await done;
  if (failure) throw failure.error;
  return result as Result;
}
