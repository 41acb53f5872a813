// Paged queries as async iterators, from the spec's paging facts (which request fields page, which result fields
// hold the total and the items): `for await (const invoice of einvoice.b2c.getIssueList.items(query))`.
import type { CallOptions, Operation, OperationSpec } from './operation.ts';

/** A paged query: call it for one page, or iterate its `pages()` or `items()`. */
export interface PagedOperation<P, R, Item> extends Operation<P, R> {
  /** Every page, from the payload's page (1 when left out) to the last, one call each, in order. */
  pages(payload: P, options?: CallOptions): AsyncGenerator<R, void, undefined>;
  /** Every item of every page, in order. */
  items(payload: P, options?: CallOptions): AsyncGenerator<Item, void, undefined>;
}

type Call = (payload: unknown, options?: CallOptions) => Promise<unknown>;

export function pagesOf(paging: NonNullable<OperationSpec['paging']>, call: Call) {
  return async function* pages(
    payload: unknown,
    options?: CallOptions,
  ): AsyncGenerator<Record<string, unknown>, void, undefined> {
    const query = { ...(payload as Record<string, unknown>) };
    const size = Number(query[paging.size]);
    for (let page = Number(query[paging.page] ?? 1); ; page += 1) {
      const result = (await call({ ...query, [paging.page]: page }, options)) as Record<string, unknown>;
      yield result;
      const items = result[paging.items];
      const total = result[paging.total];
      // The last page: nothing on it, fewer than a full page, or as many items as the total says.
      if (!Array.isArray(items) || items.length === 0 || items.length < size) return;
      if (typeof total === 'number' && page * size >= total) return;
    }
  };
}

export function itemsOf(paging: NonNullable<OperationSpec['paging']>, pages: ReturnType<typeof pagesOf>) {
  return async function* items(payload: unknown, options?: CallOptions): AsyncGenerator<unknown, void, undefined> {
    for await (const page of pages(payload, options)) yield* (page[paging.items] as unknown[] | undefined) ?? [];
  };
}
