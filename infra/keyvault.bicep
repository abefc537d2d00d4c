// The Key Vault holding Samråd's link-signing secret, readable by the app's identity only.
// A module of azure.bicep, so that its name may be computed from a value that only the
// deployment itself learns (the identity's principal id).

@description('The vault\'s name.')
@minLength(3)
@maxLength(24)
param name string

param location string

@description('The principal id of the identity that reads the secret (Key Vault Secrets User).')
param readerPrincipalId string

param secretName string

@description('The secret\'s value; empty keeps the stored one.')
@secure()
param secretValue string = ''

// Built-in role id: Key Vault Secrets User.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    // A deleted vault and its secrets can be recovered for 90 days, and by nobody purged sooner
    // (purge protection cannot be turned off again).
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(secretValue)) {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
  }
}

resource readerRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
