import { noTelemetry, type Telemetry } from './port';
import type { TelemetryOptions } from './azure-monitor';

export type { TelemetryOptions } from './azure-monitor';

/**
 * Telemetry for this Samråd: to Application Insights when a connection string is configured
 * (APPLICATIONINSIGHTS_CONNECTION_STRING), else none, with nothing of OpenTelemetry loaded.
 */
export function startTelemetry(settings: { connectionString: string } | undefined, options: TelemetryOptions = {}): Telemetry {
  if (!settings) return noTelemetry;
  // Loaded only now: the OpenTelemetry SDK and the exporter cost memory a Samråd without telemetry does not spend.
  const { azureMonitorTelemetry } = require('./azure-monitor') as typeof import('./azure-monitor');
  return azureMonitorTelemetry(settings.connectionString, options);
}
