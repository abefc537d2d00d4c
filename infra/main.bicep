// Samråd on Azure: a Node 20 web app that is the bot's endpoint, signed in everywhere with one
// user-assigned managed identity (Azure Bot, Cosmos DB, Key Vault); no passwords or keys.
// Deploy into an existing resource group: see README.md beside this file.

targetScope = 'resourceGroup'

@description('Region for every resource except the Azure Bot, which is global.')
param location string = resourceGroup().location

@description('Base name: the web app is <appName>.azurewebsites.net. Lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(37)
param appName string = 'samrad-${uniqueString(resourceGroup().id)}'

@description('App Service plan size (Linux). B1 is enough for a pilot; it keeps the app always on.')
param appServiceSku string = 'B1'

@description('Azure Bot pricing tier. Teams is a standard channel, free on F0 too.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Secret that signs links to letters and calendar files, at least 32 characters. Needed on the first deployment; leave empty later to keep the stored one.')
@secure()
param linkSigningSecret string = ''

@description('Time zone used when Teams sends none (IANA name).')
param defaultTimeZone string = 'Europe/Stockholm'

var baseName = toLower(appName)
var hostName = '${baseName}.azurewebsites.net'
var publicBaseUrl = 'https://${hostName}'
var databaseName = 'samrad'
var secretName = 'link-signing-secret'
// Built-in role ids: Cosmos DB Built-in Data Contributor (data plane) and Key Vault Secrets User.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${baseName}-id'
  location: location
}

// --- Azure Bot --------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: baseName
  location: 'global'
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
  location: 'global'
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

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${uniqueString(resourceGroup().id, baseName)}'
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(linkSigningSecret)) {
  parent: vault
  name: secretName
  properties: {
    value: linkSigningSecret
  }
}

resource vaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// --- App Service (Linux, Node 20) -------------------------------------------

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
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      healthCheckPath: '/healthz'
      appSettings: [
        {
          name: 'MICROSOFT_APP_ID'
          value: identity.properties.clientId
        }
        {
          name: 'MICROSOFT_APP_TYPE'
          value: 'UserAssignedMSI'
        }
        {
          name: 'MICROSOFT_APP_TENANT_ID'
          value: tenant().tenantId
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmos.properties.documentEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: databaseName
        }
        {
          name: 'PUBLIC_BASE_URL'
          value: publicBaseUrl
        }
        {
          name: 'LINK_SIGNING_SECRET'
          value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretName})'
        }
        {
          name: 'DEFAULT_TIME_ZONE'
          value: defaultTimeZone
        }
        {
          name: 'SAMRAD_LOCAL'
          value: 'false'
        }
      ]
    }
  }
  dependsOn: [
    secret
    vaultRole
    cosmosRole
    containers
  ]
}

// No FTP and no publishing passwords: deploy with an Entra ID sign-in (az webapp deploy).
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

@description('The bot\'s app id (the managed identity\'s client id): MICROSOFT_APP_ID for the app package.')
output MICROSOFT_APP_ID string = identity.properties.clientId

@description('BOT_DOMAIN for the app package.')
output BOT_DOMAIN string = hostName

@description('PUBLIC_BASE_URL for the app package.')
output PUBLIC_BASE_URL string = publicBaseUrl

output webAppName string = web.name
output cosmosEndpoint string = cosmos.properties.documentEndpoint
