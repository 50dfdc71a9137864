import type { Migration } from 'kysely';
import * as core from './20261124T0400_core';
import * as outbox from './20261124T0500_outbox';
import * as runs from './20261124T0600_runs';
import * as blobRefs from './20261124T0700_blob_refs';
import * as schemaNameOwners from './20261201T0800_schema_name_owners';
import * as blobUsage from './20261201T0900_blob_usage';
import * as outboxClaims from './20261201T1000_outbox_claims';
import * as runStreams from './20261201T1100_run_streams';
import * as workerHeartbeats from './20261201T1200_worker_heartbeats';
import * as processorChainOverrides from './20261201T1300_processor_chain_overrides';
import * as reprocessings from './20261201T1400_reprocessings';
import * as failedRuns from './20261201T1500_failed_runs';
import * as outboxPrune from './20261201T1600_outbox_prune';

/** Every migration, by timestamped name. Add new ones here; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '20261124T0400_core': core,
  '20261124T0500_outbox': outbox,
  '20261124T0600_runs': runs,
  '20261124T0700_blob_refs': blobRefs,
  '20261201T0800_schema_name_owners': schemaNameOwners,
  '20261201T0900_blob_usage': blobUsage,
  '20261201T1000_outbox_claims': outboxClaims,
  '20261201T1100_run_streams': runStreams,
  '20261201T1200_worker_heartbeats': workerHeartbeats,
  '20261201T1300_processor_chain_overrides': processorChainOverrides,
  '20261201T1400_reprocessings': reprocessings,
  '20261201T1500_failed_runs': failedRuns,
  '20261201T1600_outbox_prune': outboxPrune,
};
