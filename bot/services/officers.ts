import type { Config } from '../config';
import type { Logger } from '../log';
import type { DataProtectionOfficers } from './ports';

/**
 * The data-protection officers as configured (DATA_PROTECTION_OFFICERS): Entra object ids, each in
 * the bot's own tenant or in the tenant written with it. Asked on every press, so taking someone
 * out of the setting (and restarting) takes the role from them at once.
 */
export class ConfiguredOfficers implements DataProtectionOfficers {
  constructor(private readonly ids: Config['dataProtectionOfficers']) {}

  async isDataProtectionOfficer(tenantId: string, objectId: string): Promise<boolean> {
    const tenant = tenantId.toLowerCase();
    const id = objectId.toLowerCase();
    return this.ids.some((o) => o.objectId === id && (o.tenantId === undefined || o.tenantId === tenant));
  }
}

/** The officers Samråd runs with; the log says how many, never who. */
export function appOfficers(config: Pick<Config, 'dataProtectionOfficers'>, log: Logger): DataProtectionOfficers {
  log.info('dataProtection.on', { officers: config.dataProtectionOfficers.length });
  return new ConfiguredOfficers(config.dataProtectionOfficers);
}
