// Where what the app creates shows in the offline cache: the SDK's `cache.updates` (issue 8).
// Each function runs on every read while its entry waits, with a result built from the call's
// variables (a new timesheet's id is its `tmp:` placeholder), so unsent work shows in the cached
// queries, survives a reload and goes away if the entry is refused; and once more with the
// server's answer when the entry is sent, which the SDK stores (the real ids replace the
// placeholders). The page and the service worker open the SDK with the same functions
// (client.ts), so whichever sends an entry stores its answer the same way.
import type { CacheUpdates, Worksome } from "graphql-outbox";

/** The list's variables: the caller's timesheets (the reference server answers a worker's own). */
export const LIST = { first: 50 } as const;

type Sheet = NonNullable<Worksome.TimesheetQueryData["timesheet"]>;
type Reg = Sheet["registrations"]["data"][number];

/** Ids of hours added and not sent yet: `new:<entry id>:<index>` (not `tmp:`, which the SDK
 * reads as a placeholder of a create; these are never sent, an edit replaces the add). */
export const addedId = (entry: string, i: number) => `new:${entry}:${i}`;
/** The entry that added hours not sent yet, from their id. */
export const addedBy = (id: string) => (id.startsWith("new:") ? id.split(":")[1] ?? null : null);

const emptyPage = (): Sheet["registrations"] => ({
  __typename: "TimesheetRegistrationPaginator",
  paginatorInfo: { __typename: "PaginatorInfo", count: 0, currentPage: 1, firstItem: null, hasMorePages: false, lastItem: null, lastPage: 1, perPage: 100, total: 0 },
  data: [],
});

function registration(id: string, r: Worksome.TimesheetRegistrationInput): Reg {
  return {
    __typename: "TimesheetRegistration", id, type: r.type, date: r.date, startTime: r.startTime ?? null, endTime: r.endTime ?? null,
    duration: r.duration, unit: r.unit, comments: r.comments ?? null, invoiceReferenceNumber: null, externalIdentifier: null, isBillable: null,
  } as Reg;
}

export const updates: CacheUpdates = {
  worksome: {
    createTimesheet(t, cache) {
      if (!t) return;
      // The new timesheet at the end of the list (the app shows the newest first)...
      cache.updateQuery("timesheets", LIST, (data) => data && {
        ...data, timesheets: { ...data.timesheets, data: [...data.timesheets.data, t as never] },
      });
      // ...and as its own query with no hours yet, so hours can be added to it before it is sent.
      cache.updateQuery("timesheet", { id: t.id }, (data) => data ?? {
        timesheet: { ...t, __typename: "Timesheet", registrations: emptyPage() } as unknown as Sheet,
      });
    },
    updateTimesheet(t, cache, input, info) {
      const regs = input.registrations ?? [];
      if (regs.length === 0) return;
      cache.updateQuery("timesheet", { id: input.id }, (data) => {
        if (!data?.timesheet) return data;
        const page = data.timesheet.registrations;
        let added: Reg[];
        if (info.pending) {
          added = regs.map((r, i) => registration(addedId(info.entryId, i), r));
        } else {
          // The server's answer lists the timesheet's registration ids (its first page): the
          // ones this cache does not know yet are the added ones, the last of them this entry's.
          const known = new Set(page.data.map((r) => r.id));
          const fresh = (t?.registrations?.data ?? []).map((r) => r.id).filter((id) => !known.has(id)).slice(-regs.length);
          if (fresh.length !== regs.length) return data; // not in the answer's page: the refetch brings them
          added = regs.map((r, i) => registration(fresh[i], r));
        }
        return { ...data, timesheet: { ...data.timesheet, registrations: { ...page, data: [...page.data, ...added] } } };
      });
    },
  },
};
