import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINERS } from '../../bot/store/containers';

const BICEP = readFileSync(join(__dirname, '..', '..', 'infra', 'main.bicep'), 'utf8');

describe('the Azure resources (infra/main.bicep)', () => {
  it('declares every container the app uses, with the same partition key (a managed identity cannot create them)', () => {
    const declared = [...BICEP.matchAll(/\{ name: '(\w+)', partitionKey: '(\/\w+)' \}/g)].map((m) => [m[1], m[2]]);
    const used = Object.values(CONTAINERS).map((c) => [c.id, `/${c.partitionKey}`]);
    assert.deepEqual(declared.sort(), used.sort());
  });
});
