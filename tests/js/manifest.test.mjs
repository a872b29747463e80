// The package manifest's repository fields (issue 11): scripts/manifest.mjs takes them from the
// remote the package is published from, never invents one, and never copies credentials.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { repositoryFields, webAddress } from "../../scripts/manifest.mjs";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "manifest.mjs");

test("every common remote form names the same web address", () => {
  for (const remote of [
    "https://github.com/acme/graphql-outbox.git",
    "https://github.com/acme/graphql-outbox",
    "https://github.com/acme/graphql-outbox/",
    "git+https://github.com/acme/graphql-outbox.git",
    "git@github.com:acme/graphql-outbox.git",
    "ssh://git@github.com/acme/graphql-outbox.git",
    "ssh://git@github.com:22/acme/graphql-outbox.git",
    "git://github.com/acme/graphql-outbox.git",
    "https://deploy:ghp_secret123@github.com/acme/graphql-outbox.git",
    "https://GitHub.com/acme/graphql-outbox.git",
  ]) {
    assert.equal(webAddress(remote), "https://github.com/acme/graphql-outbox", remote);
  }
  assert.equal(webAddress("https://gitlab.example.org/team/sub/graphql-outbox.git"), "https://gitlab.example.org/team/sub/graphql-outbox");
});

test("a remote that is not a public repository names none", () => {
  for (const remote of [null, undefined, "", "/srv/git/graphql-outbox", "../main", "file:///srv/git/outbox.git",
    "https://127.0.0.1:8080/acme/outbox.git", "http://localhost/acme/outbox", "git@buildhost:outbox.git",
    "https://[::1]/acme/outbox", "https://github.com/", "https://github.com/acme", "ftp://github.com/acme/outbox"]) {
    assert.equal(webAddress(remote), null, String(remote));
    assert.deepEqual(repositoryFields(remote), {}, String(remote));
  }
});

test("the fields npm shows: repository, homepage, and the issue tracker on hosts that have one", () => {
  assert.deepEqual(repositoryFields("git@github.com:acme/graphql-outbox.git"), {
    repository: { type: "git", url: "git+https://github.com/acme/graphql-outbox.git" },
    homepage: "https://github.com/acme/graphql-outbox#readme",
    bugs: { url: "https://github.com/acme/graphql-outbox/issues" },
  });
  const own = repositoryFields("https://git.example.org/acme/graphql-outbox.git");
  assert.equal(own.homepage, "https://git.example.org/acme/graphql-outbox#readme");
  assert.equal(own.bugs, undefined);
});

test("GRAPHQL_OUTBOX_REPOSITORY overrides origin; an unusable one stops the build", () => {
  const out = mkdtempSync(join(tmpdir(), "outbox-manifest-"));
  try {
    const env = { ...process.env, GRAPHQL_OUTBOX_REPOSITORY: "https://user:token@codeberg.org/acme/graphql-outbox.git" };
    execFileSync(process.execPath, [script, out, "1.2.3"], { env, stdio: "pipe" });
    const m = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    assert.equal(m.version, "1.2.3");
    assert.deepEqual(m.repository, { type: "git", url: "git+https://codeberg.org/acme/graphql-outbox.git" });
    assert.equal(m.bugs.url, "https://codeberg.org/acme/graphql-outbox/issues");
    assert.ok(!JSON.stringify(m).includes("token"), "credentials in the remote must not reach the manifest");
    const bad = { ...process.env, GRAPHQL_OUTBOX_REPOSITORY: "/srv/git/outbox" };
    assert.throws(() => execFileSync(process.execPath, [script, out, "1.2.3"], { env: bad, stdio: "pipe" }),
      (e) => /GRAPHQL_OUTBOX_REPOSITORY=\/srv\/git\/outbox is not a public git URL/.test(String(e.stderr)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
