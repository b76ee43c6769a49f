export const HELP = `hs-import — move help desk history into Help Scout as imported notes, exactly once.

Usage:
  hs-import export   --from zendesk|freshdesk|intercom --out DIR [--since DATE|DIR] [--api-url URL]
                     pull the history through the platform's API into DIR: the files its preset
                     reads, every attachment into the store, import.config.json, export.md/json;
                     resumable (run it again after a kill or Ctrl-C)
  hs-import plan     [--config import.config.json] [--check-remote] [--delta] [--limit N] [--only T1,T2]
                     dry run: no writes; writes plan.md, plan.json and plan.html with counts, requests and time
  hs-import fetch-attachments [--config import.config.json]
                     download every linked attachment and inline image of the export into
                     the state folder (source.attachments); writes fetch.md and fetch.json
  hs-import run      [--config import.config.json] [--delta] [--limit N] [--only T1,T2] [--force]
                     [--log-file events.ndjson] [--verbose]
                     import; resumes from the checkpoint; writes run.md, run.json, run.html, rejects.csv, id-map.csv
  hs-import status   [--config import.config.json]
                     what the checkpoint says: done, rejected, in doubt, left (no network)
  hs-import verify   [--config import.config.json] [--sample N]
                     read-only check that every landed note is in Help Scout exactly once;
                     writes verify.md, verify.json, verify.html and id-map.csv (with the thread ids it found)
  hs-import simulate [--port 8080] [--seed file]
                     start the embedded Help Scout simulator

Options:
  --from PLATFORM  export: zendesk, freshdesk or intercom
  --out DIR        export: the folder to write (an export of the same platform there is resumed)
  --since WHEN     export: only what changed since a date (2024-05-01, 2024-05-01T12:00:00Z), or
                   since a previous export folder: from its end, and its import.config.json points
                   at that export's checkpoint, so \`run --delta\` imports the changes into the same import
  --api-url URL    export: the API's base URL instead of the one built from the environment
  --config FILE    the import config (default import.config.json)
  --check-remote   plan: read thread counts and merges from Help Scout (GET only)
  --limit N        only the first N tickets of the export (a sample run)
  --only IDS       only these source tickets (comma-separated)
  --delta          a newer export of the same source against this checkpoint: notes landed
                   earlier are skipped (edited ones listed, never re-sent), known tickets go on
                   in their conversations, new tickets get new ones
  --sample N       verify: only N of the conversations, the same N every time (fixed seed)
  --force          resume even though the config or input changed since the checkpoint began
  --log-file FILE  NDJSON, one event per request and per result (no secrets)
  --verbose        print every request on stderr (Authorization never shown)
  -h, --help       this text

Reports (in the config's "reports" folder; every line says [simulated] against the embedded simulator):
  plan.md, plan.json    from plan: counts, rejects by reason, requests by kind, estimated duration
  run.md, run.json      from run: done, rejected, in doubt, left, requests, 429s, retries, rate use per window
  rejects.csv           original fields + reason + message + file + line: fix and feed back as a csv source
  verify.md, verify.json
                        from verify: found, missing and duplicated notes (ticket:note), unmatched threads
  id-map.csv            source ticket and note -> Help Scout conversation and thread
  plan.html, run.html, verify.html
                        the same as one self-contained page with charts (opens offline, prints)

Credentials come only from the environment: HELPSCOUT_APP_ID, HELPSCOUT_APP_SECRET;
for export: ZENDESK_SUBDOMAIN + ZENDESK_EMAIL + ZENDESK_API_TOKEN, FRESHDESK_DOMAIN +
FRESHDESK_API_KEY, or INTERCOM_TOKEN.

Exit codes:
  0    all done
  1    finished with rejects (see rejects.csv) or notes still in doubt (run again);
       verify: a checked note is missing or there more than once
       export: an attachment could not be stored, or a listing still hit the API's cap (see export.md)
  2    config or input error: nothing was sent
  3    aborted: authentication, checkpoint lock, checkpoint not writable, fatal API error
  130  interrupted (Ctrl-C): checkpoint flushed, run again to resume
`;
