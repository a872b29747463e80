// Types of `graphql-outbox/react` (react.js): React bindings on the outbox store.
import type { ReactNode, ReactElement } from "react";
import type { Client, MutationResult } from "./graphql_outbox.js";
import type { OutboxSnapshot, QueryApi, QueryName, QueryVariablesOf, QueryDataOf, QuerySnapshot, QueryStoreOptions } from "./store.js";

export type {
  OutboxSnapshot, DrainProgress, OutboxStore,
  QueryApi, QueryName, QueryVariablesOf, QueryDataOf, QuerySnapshot, QueryStoreOptions,
} from "./store.js";

export interface OutboxProviderProps {
  client: Client;
  children?: ReactNode;
}

/** Makes `client` and a store of its outbox available to `useClient`, `useOutbox`, `useMutation`. */
export declare function OutboxProvider(props: OutboxProviderProps): ReactElement;

/** The `Client` of the nearest `OutboxProvider` (throws `ConfigError` outside one). */
export declare function useClient(): Client;

/** The outbox's snapshot; the component re-renders when it changes. */
export declare function useOutbox(): OutboxSnapshot;

/** The data of what `fn` resolves: a `MutationResult`'s `data`, or the value itself (`uploadFile`). */
export type MutationData<R> = R extends MutationResult<infer T> ? T : R;

/** `useMutation`'s state: the latest call's, narrowed by `status`. */
export type MutationState<R> =
  | { readonly status: "idle"; readonly data: undefined; readonly error: undefined; readonly id: undefined }
  | { readonly status: "pending"; readonly data: undefined; readonly error: undefined; readonly id: undefined }
  /** `id`: the entry's (undefined for a function without the outbox's envelope, e.g. `uploadFile`). */
  | { readonly status: "sent"; readonly data: MutationData<R>; readonly error: undefined; readonly id: string | undefined }
  | { readonly status: "queued"; readonly data: undefined; readonly error: undefined; readonly id: string }
  /**
   * `error`: what the call rejected with (an `OutboxError`, see `isOutboxError`), or the
   * `settled()` outcome (`dead`, `unknown`, `discarded`) of an entry that had been queued.
   */
  | { readonly status: "error"; readonly data: undefined; readonly error: unknown; readonly id: string | undefined };

/**
 * `const [mutate, state] = useMutation((client, args: A) => client.gcdirectory.modifyProfile(args))`.
 * `mutate(args)` resolves what `fn` resolved, or `undefined` if it rejected (never rejects).
 */
export declare function useMutation<A, R>(
  fn: (client: Client, args: A) => Promise<R>,
): [mutate: (args: A) => Promise<R | undefined>, state: MutationState<R>];

/**
 * `const q = useQuery("gcdirectory", "profile", { gcId: "1" }, { policy: "cache-first" })`: a live
 * view of `client.<api>.watch.<name>`; the component re-renders when what it shows changes
 * (the server's answer, a cache write in any context, an entry queued / sent / dead).
 * `api` and `name` autocomplete and fix the variables' and the data's types. Narrow by
 * `q.status`: "ready" has `q.result` (`data`, `pending`, `source`, `fetchedAt`). The watch
 * restarts when `api`, `name`, the variables (compared as JSON) or `options.policy` change.
 */
export declare function useQuery<A extends QueryApi, N extends QueryName<A>>(
  api: A,
  name: N,
  variables: QueryVariablesOf<A, N>,
  options?: QueryStoreOptions,
): QuerySnapshot<QueryDataOf<A, N>>;
