// Mistakes a `cache.updates` consumer must not get past the compiler.
import { Client } from "graphql-outbox";

export async function open(): Promise<Client> {
  return Client.open({
    endpoints: {},
    user: "u",
    cache: {
      maxBytes: "big", // ERROR: a number
      updates: {
        worksome: {
          createTimesheet: (result, cache, variables) => {
            console.log(variables.start); // ERROR: no such argument
            console.log(result?.name); // ERROR: not selected
            cache.updateQuery("nothing", {}, () => null); // ERROR: no such query
            cache.updateQuery("timesheet", { page: 1 }, () => null); // ERROR: the query takes { id }
            cache.updateQuery("timesheets", {}, (data) => data && { ...data, timesheets: 1 }); // ERROR: not its data
          },
          createNothing: () => {}, // ERROR: no such mutation
        },
      },
    },
  });
}

export async function other(): Promise<Client> {
  return Client.open({ endpoints: {}, user: "u", cache: { updates: {
    nowhere: {}, // ERROR: no such API
  } } });
}
