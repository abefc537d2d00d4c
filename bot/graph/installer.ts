import type { AppInstaller } from '../services/ports';

/** Without Microsoft Graph settings Samråd cannot install itself for anyone: the permission is, in effect, missing. */
export const noInstaller: AppInstaller = {
  installFor: async () => 'permissionMissing',
};
