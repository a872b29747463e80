// A consumer of `cache.updates`: each function's arguments are typed from its mutation, and
// `cache.updateQuery` from the query it names.
import { Client, type CacheOptions, type Worksome } from "graphql-outbox";

const LIST = { first: 50 };
const cache: CacheOptions = {
  maxBytes: 1 << 20,
  updates: {
    worksome: {
      createTimesheet: (result, cache, variables, info) => {
        const start: string = variables.startDate;
        const hire: string | number = variables.hire;
        const pending: boolean = info.pending;
        const entry: string = info.entryId;
        console.log(start, hire, pending, entry, result?.id);
        cache.updateQuery("timesheets", LIST, (data) => data && {
          ...data, timesheets: { ...data.timesheets, data: [...data.timesheets.data] },
        });
        cache.updateQuery("timesheet", { id: "1" }, (data: Worksome.TimesheetQueryData | null) => data ?? undefined);
      },
      updateTimesheet: (result, cache, variables) => {
        const regs: Worksome.TimesheetRegistrationInput[] = variables.registrations ?? [];
        console.log(result?.id, regs.length);
        cache.updateQuery("viewer", { worker: "3" }, () => null);
      },
    },
    gcdirectory: {
      modifyProfile: (result, _cache, variables) => console.log(result.gcId, variables.gcId),
    },
  },
};

export async function open(): Promise<Client> {
  return Client.open({ endpoints: {}, user: "u", cache });
}
