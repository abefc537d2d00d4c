// Samråd on Azure: a Node 24 web app that is the bot's endpoint, signed in with one user-assigned
// managed identity (Azure Bot, Cosmos DB, Key Vault, and as the trusted issuer of the federated
// credential through which Samråd's Entra app calls Microsoft Graph); no passwords or keys; data
// in the EU. The Microsoft 365 Agents Toolkit deploys it (m365agents.yml: arm/deploy with
// azure.parameters.json), or az deployment group create by hand: see README.md beside this file.

targetScope = 'resourceGroup'

@description('Region of every resource but the Azure Bot. EU regions only (README.md beside this file names them): the data stays in the EU.')
@allowed([
  'swedencentral'
  'northeurope'
  'westeurope'
  'germanywestcentral'
  'francecentral'
])
param location string = 'swedencentral'

@description('Base name: the web app, the Azure Bot and the names of the other resources. Lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(37)
param appName string = 'samrad-${uniqueString(resourceGroup().id)}'

@description('App Service plan size (Linux). Only sizes that can keep the app always on (the jobs run in it); B1 is enough for a pilot.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param appServiceSku string = 'B1'

@description('Azure Bot pricing tier. Teams is a standard channel, free on F0 too.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Secret that signs links to letters, calendar files and the live timer, at least 32 characters. Needed on the first deployment; empty keeps the stored one, a new one invalidates the links already sent.')
@secure()
param linkSigningSecret string = ''

@description('Client id of Samråd\'s Entra app registration (aad.manifest.json; the manifest\'s webApplicationInfo): the audience of the tab\'s single sign-on and the identity Samråd calls Microsoft Graph as, through a federated credential that trusts the managed identity below. Empty: the managed identity calls Graph itself, and the tab cannot sign in (README: "Identity").')
param entraAppId string = ''

@description('Time zone used when Teams sends none (IANA name).')
param defaultTimeZone string = 'Europe/Stockholm'

// Every region allowed above is in the EU. There the Azure Bot is a regional bot in the Bot
// Service's EU region (westeurope), which keeps what passes through it in the EU; a region
// added above outside the EU would get a global bot.
var euRegions = [
  'swedencentral'
  'northeurope'
  'westeurope'
  'germanywestcentral'
  'francecentral'
]
var botLocation = contains(euRegions, location) ? 'westeurope' : 'global'

var baseName = toLower(appName)
// The host name App Service gave the app (not built from its name: new apps may get a
// <name>-<hash>.<region>.azurewebsites.net host).
var publicBaseUrl = 'https://${web.properties.defaultHostName}'
var databaseName = 'samrad'
var secretName = 'link-signing-secret'
// Built-in role id: Cosmos DB Built-in Data Contributor (data plane).
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-id'
  location: location
}

// --- Azure Bot --------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: baseName
  location: botLocation
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Samråd'
    endpoint: '${publicBaseUrl}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppType: 'UserAssignedMSI'
    msaAppMSIResourceId: identity.id
    msaAppTenantId: tenant().tenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: botLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// --- Cosmos DB for NoSQL (serverless, Entra ID sign-in only) ----------------

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: '${baseName}-cosmos'
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// The app creates missing containers at start, but a managed identity may not create them
// (data-plane roles cannot manage containers), so they are declared here as the app declares them.
// One container per entry of bot/store/containers.ts, with the same partition key (a test checks it).
var containerDefs = [
  { name: 'meetings', partitionKey: '/meetingId' } // per meeting: the plan, each person's answer and delivery
  { name: 'users', partitionKey: '/userKey' } // per Teams user
  { name: 'meetingIndex', partitionKey: '/userKey' } // per caseworker: the meetings in their list
  { name: 'jobs', partitionKey: '/bucket' } // work after an answer, by the hour it falls due
  { name: 'overview', partitionKey: '/partition' } // the coordinators' overview: one summary per meeting, by tenant and month
  { name: 'people', partitionKey: '/personKey' } // where each person appears, by hashed key: the data-protection officer's index
]

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [
  for def in containerDefs: {
    parent: database
    name: def.name
    properties: {
      resource: {
        id: def.name
        partitionKey: {
          paths: [
            def.partitionKey
          ]
          kind: 'Hash'
          version: 2
        }
        defaultTtl: -1 // no expiry by default; a document's own ttl still applies
      }
    }
  }
]

// On the first deployment this assignment can fail once, while Entra ID has not yet replicated
// the identity created a moment before ("principal ... does not exist"): deploy again.
resource cosmosRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

// --- Key Vault for the link-signing secret ----------------------------------

// Purge protection keeps a deleted vault, and its name, for 90 days. The name comes from the
// identity's principal id, which is new whenever the resource group is created anew, so a vault
// left soft-deleted by an earlier group of the same name is never in the way.
module vault 'keyvault.bicep' = {
  name: 'samrad-keyvault'
  params: {
    name: 'kv-${uniqueString(resourceGroup().id, identity.properties.principalId)}'
    location: location
    readerPrincipalId: identity.properties.principalId
    secretName: secretName
    secretValue: linkSigningSecret
  }
}

// --- Application Insights (workspace-based), for telemetry -----------------

// Samråd's metrics and spans (bot/telemetry: route templates, verbs, job kinds, status codes,
// container names, request charges, durations and counts; never a name, an address, free text, a
// token or a meeting id) go to a workspace-based Application Insights resource in `location`, its
// data kept in a Log Analytics workspace in the same region (an EU region: see `location`). The app
// gets the connection string as a setting (APPLICATIONINSIGHTS_CONNECTION_STRING below), which names
// the regional ingestion endpoint; no instrumentation key is written in code.
resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${baseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      enableLogAccessUsingOnlyResourcePermissions: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${baseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    IngestionMode: 'LogAnalytics'
    // Client IP addresses are masked (the default, stated): Samråd sends none, and none is kept.
    DisableIpMasking: false
    // DisableLocalAuth stays false, chosen: true would accept telemetry only with an Entra ID token
    // (the identity with Monitoring Metrics Publisher on this resource, and a credential given to the
    // exporter), so that nobody holding the connection string could write into this resource. The
    // connection string allows writing telemetry, never reading it; it is an app setting, not in
    // code; and what Samråd sends holds no personal data. Turning it on needs that role assignment
    // and a credential in bot/telemetry/azure-monitor.ts first: without them every item is refused.
    DisableLocalAuth: false
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

// --- App Service (Linux, Node 24) -------------------------------------------

// The Node.js heap limit (--max-old-space-size, MB) for each plan size allowed above: about 56%
// of the plan's memory, rounded down to 256 MB. The rest is for the operating system and App
// Service's own processes on the worker (the container runtime, the log and health agents, the
// deployment site while it runs) and for Node's memory outside the old-generation heap (the young
// generation, compiled code, buffers and sockets), which grows with load. Without a limit V8 grows
// its heap by the memory it sees and keeps what it grew to (README: "Benchmark", figure 6); with
// one it collects before the plan's memory is exhausted. Plan memory: B1 and S1 1.75 GB, B2 and
// S2 3.5 GB, B3 and S3 7 GB, P0v3 4 GB, P1v3 8 GB, P2v3 16 GB, P3v3 32 GB.
var nodeHeapMbBySku = {
  B1: 1024
  B2: 2048
  B3: 4096
  S1: 1024
  S2: 2048
  S3: 4096
  P0v3: 2304
  P1v3: 4608
  P2v3: 9216
  P3v3: 18432
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${baseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true
  }
}

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: baseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|24-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
    }
  }
}

// The settings of their own, as they need the app's host name. A deployment sets exactly these.
resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: web
  name: 'appsettings'
  properties: {
    MICROSOFT_APP_ID: identity.properties.clientId
    MICROSOFT_APP_TYPE: 'UserAssignedMSI'
    MICROSOFT_APP_TENANT_ID: tenant().tenantId
    ENTRA_APP_ID: entraAppId
    AZURE_CLIENT_ID: identity.properties.clientId
    COSMOS_ENDPOINT: cosmos.properties.documentEndpoint
    COSMOS_DATABASE: databaseName
    PUBLIC_BASE_URL: publicBaseUrl
    // Samråd refuses to start while App Service cannot resolve this reference.
    LINK_SIGNING_SECRET: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=${secretName})'
    DEFAULT_TIME_ZONE: defaultTimeZone
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString // bot/telemetry; App Service's own agent (ApplicationInsightsAgent_EXTENSION_VERSION) stays off: it would record URLs, which carry tokens
    SAMRAD_LOCAL: 'false'
    // The package is built before it is deployed (npm run stage): no build on App Service.
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
    // Runs the deployed zip as it is, mounted read-only as wwwroot, instead of unpacking its tens of
    // thousands of files (the toolkit's template does the same); Samråd writes nothing there.
    WEBSITE_RUN_FROM_PACKAGE: '1'
    // A heap limit that fits the plan's memory (nodeHeapMbBySku above), and a young generation of
    // 2 × 8 MB: left to itself, V8 grows it to 2 × 64 MB under load and keeps it, over 100 MB of
    // resident memory for garbage that lives a millisecond (README: "Benchmark", figure 6).
    NODE_OPTIONS: '--max-old-space-size=${nodeHeapMbBySku[appServiceSku]} --max-semi-space-size=8'
  }
  dependsOn: [
    cosmosRole
    containers
  ]
}

// No FTP and no publishing passwords: deploy with an Entra ID sign-in (the toolkit's zipDeploy,
// or az webapp deploy from Azure CLI 2.48.1 on).
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: web
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: web
  name: 'scm'
  properties: {
    allow: false
  }
}

// The toolkit writes each output to env/.env.<environment> under its name (upper case); the
// manifest and m365agents.yml read them from there.

@description('The bot\'s app id: the managed identity\'s client id.')
output MICROSOFT_APP_ID string = identity.properties.clientId

@description('The managed identity\'s principal (object) id: the subject of the Entra app\'s federated credential.')
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId

@description('The tenant of the bot\'s identity.')
output MICROSOFT_APP_TENANT_ID string = tenant().tenantId

@description('The bot\'s domain: the host name App Service gave the web app.')
output BOT_DOMAIN string = web.properties.defaultHostName

@description('The https address of the web app.')
output PUBLIC_BASE_URL string = publicBaseUrl

@description('The web app\'s resource id, where the code is deployed.')
output AZURE_APP_SERVICE_RESOURCE_ID string = web.id

output WEB_APP_NAME string = web.name
output COSMOS_ENDPOINT string = cosmos.properties.documentEndpoint
output KEY_VAULT_NAME string = vault.outputs.name
