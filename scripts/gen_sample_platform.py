#!/usr/bin/env python3
"""Generate the platform part of the muster sample data: what Azure and Kubernetes say
about the Contoso estate's configuration.

Writes (under sample-data/): platform/ and PLATFORM.md, and keeps one marked
`[[sources.files]]` block at the end of muster.toml (the kubectl inventories name no
cluster, so the configuration says which cluster each file is about). The scanner and
runtime folders come from the other generators and are not touched; gen_sample_runtime.py
rewrites muster.toml but keeps this block, so the generators run in any order.

- `az aks show` for aks-prod-weu (compliant) and aks-stage-weu (with gaps),
- `az acr show` for contosoacr, `az role assignment list` on it, and
  `az monitor diagnostic-settings list --resource <registry id>` (its resource logs),
- `az container list` with three container groups (one public, one passing a secret as a
  plain `value` and pulling with the registry password, one private and compliant),
- `az policy state list` for the Kubernetes policies of both clusters,
- Defender for Cloud registry sub-assessments (an `az graph query` of Resource Graph rows),
- `kubectl get namespaces,deployments,daemonsets,networkpolicies,clusterrolebindings -A -o json`
  per cluster.

Stdlib only and deterministic; every value is invented (the estate is defined in
sample_estate.py). Exports that carry no time of their own sit under a dated folder
(`platform/2026-11-19/…`), which muster reads as their date.
"""
import hashlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sample_estate as E  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sample-data"))
DIR = "platform"
DAY = "2026-11-19"          # the day the platform was exported (the Thursday before the report)
STAMP = f"{DAY}T05:30:00Z"  # Policy and Defender rows carry their own evaluation time
PROD, STAGE = E.CLUSTERS
SUBSCRIPTION = "6f1c2a9e-4b7d-4c0e-9a53-2d8e7b1f0c44"
TENANT = "a3d5e7f9-1b2c-4d6e-8f01-23456789abcd"
SUB = f"/subscriptions/{SUBSCRIPTION}"
ACR_ID = f"{SUB}/resourceGroups/rg-platform-weu/providers/Microsoft.ContainerRegistry/registries/contosoacr"
WORKSPACE = f"{SUB}/resourceGroups/rg-platform-weu/providers/Microsoft.OperationalInsights/workspaces/law-contoso-weu"
VPN_RANGES = ["198.51.100.0/26", "203.0.113.32/28"]   # Contoso VPN gateways and build agents
MARK_BEGIN = "# --- platform exports (scripts/gen_sample_platform.py) ---"
MARK_END = "# --- end of platform exports ---"

FILES = {}


def uid(*parts):
    """A stable GUID-shaped id."""
    x = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:32]}"


def put(rel, data):
    FILES[f"{DIR}/{rel}"] = data


# --------------------------------------------------------------------------- AKS

KUBELET = {c: uid("kubelet", c) for c in E.CLUSTERS}


def aks(cluster):
    prod = cluster == PROD
    rg = f"rg-{cluster}"
    cid = f"{SUB}/resourcegroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}"
    node_rg = f"MC_{rg}_{cluster}_westeurope"
    subnet = f"{SUB}/resourceGroups/rg-network-weu/providers/Microsoft.Network/virtualNetworks/vnet-{cluster}/subnets/snet-nodes"
    version = "1.30.6" if prod else "1.29.9"
    pool = {
        "availabilityZones": ["1", "2", "3"] if prod else None,
        "count": len(E.NODES[cluster]),
        "currentOrchestratorVersion": version,
        "enableAutoScaling": prod,
        "enableEncryptionAtHost": True,
        "enableFips": False,
        "enableNodePublicIp": False,
        "kubeletDiskType": "OS",
        "maxCount": 6 if prod else None,
        "maxPods": 50,
        "minCount": 3 if prod else None,
        "mode": "System",
        "name": "nodepool1",
        "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202611.10.0" if prod else "AKSUbuntu-2204gen2containerd-202608.04.0",
        "orchestratorVersion": version,
        "osDiskSizeGb": 128,
        "osDiskType": "Ephemeral" if prod else "Managed",
        "osSku": "Ubuntu",
        "osType": "Linux",
        "powerState": {"code": "Running"},
        "provisioningState": "Succeeded",
        "securityProfile": ({"enableSecureBoot": True, "enableVtpm": True, "sshAccess": "Disabled"} if prod
                            else {"enableSecureBoot": False, "enableVtpm": False, "sshAccess": "LocalUser"}),
        "type": "VirtualMachineScaleSets",
        "upgradeSettings": {"maxSurge": "33%"},
        "vmSize": "Standard_D4s_v5" if prod else "Standard_D2s_v5",
        "vnetSubnetId": subnet,
    }
    security = {
        "azureKeyVaultKms": {"enabled": True, "keyId": "https://kv-contoso-platform.vault.azure.net/keys/aks-etcd/7c1e0d2b9a8f4e6d",
                              "keyVaultNetworkAccess": "Private",
                              "keyVaultResourceId": f"{SUB}/resourceGroups/rg-platform-weu/providers/Microsoft.KeyVault/vaults/kv-contoso-platform"},
        "defender": ({"logAnalyticsWorkspaceResourceId": WORKSPACE, "securityMonitoring": {"enabled": True}} if prod else None),
        "imageCleaner": {"enabled": True, "intervalHours": 48} if prod else None,
        "workloadIdentity": {"enabled": True},
    }
    doc = {
        "aadProfile": {"adminGroupObjectIDs": [uid("group", "platform-admins")], "enableAzureRbac": prod, "managed": True,
                       "tenantId": TENANT},
        "addonProfiles": {
            "azureKeyvaultSecretsProvider": ({"config": {"enableSecretRotation": "true", "rotationPollInterval": "2m"},
                                              "enabled": True,
                                              "identity": {"clientId": uid("kvsp", cluster), "objectId": uid("kvsp-o", cluster)}}
                                             if prod else {"config": None, "enabled": False}),
            "azurepolicy": {"config": None, "enabled": True},
            "omsagent": {"config": {"logAnalyticsWorkspaceResourceID": WORKSPACE, "useAADAuth": "true"}, "enabled": True},
        },
        "agentPoolProfiles": [pool],
        "apiServerAccessProfile": ({"authorizedIpRanges": VPN_RANGES, "enablePrivateCluster": False} if prod
                                   else {"authorizedIpRanges": None, "enablePrivateCluster": False}),
        "autoUpgradeProfile": ({"nodeOsUpgradeChannel": "NodeImage", "upgradeChannel": "stable"} if prod
                               else {"nodeOsUpgradeChannel": "None", "upgradeChannel": "none"}),
        "azurePortalFqdn": f"{cluster}-{uid('fqdn', cluster)[:8]}.portal.hcp.westeurope.azmk8s.io",
        "currentKubernetesVersion": version,
        "disableLocalAccounts": prod,
        "dnsPrefix": cluster,
        "enableRbac": True,
        "fqdn": f"{cluster}-{uid('fqdn', cluster)[:8]}.hcp.westeurope.azmk8s.io",
        "id": cid,
        "identity": {"principalId": uid("cp", cluster), "tenantId": TENANT, "type": "SystemAssigned"},
        "identityProfile": {"kubeletidentity": {
            "clientId": uid("kubelet-client", cluster), "objectId": KUBELET[cluster],
            "resourceId": f"{SUB}/resourcegroups/{node_rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{cluster}-agentpool"}},
        "kubernetesVersion": version,
        "location": "westeurope",
        "name": cluster,
        "networkProfile": {"loadBalancerSku": "standard", "networkDataplane": "azure", "networkPlugin": "azure",
                           "networkPluginMode": "overlay", "networkPolicy": "calico", "outboundType": "loadBalancer",
                           "podCidr": "192.168.0.0/16", "serviceCidr": "10.0.0.0/16", "dnsServiceIp": "10.0.0.10"},
        "nodeResourceGroup": node_rg,
        "oidcIssuerProfile": {"enabled": True, "issuerUrl": f"https://westeurope.oic.prod-aks.azure.com/{TENANT}/{uid('oidc', cluster)}/"},
        "powerState": {"code": "Running"},
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
        "securityProfile": security,
        "servicePrincipalProfile": {"clientId": "msi"},
        "sku": {"name": "Base", "tier": "Standard" if prod else "Free"},
        "supportPlan": "KubernetesOfficial",
        "tags": {"env": "production" if prod else "staging", "owner": "platform"},
        "type": "Microsoft.ContainerService/ManagedClusters",
    }
    return doc


# --------------------------------------------------------------------------- ACR and roles

def acr():
    return {
        "adminUserEnabled": False,
        "anonymousPullEnabled": False,
        "creationDate": "2024-03-11T09:12:44.512841+00:00",
        "dataEndpointEnabled": False,
        "encryption": {"keyVaultProperties": None, "status": "disabled"},
        "id": ACR_ID,
        "location": "westeurope",
        "loginServer": "contosoacr.azurecr.io",
        "name": "contosoacr",
        "networkRuleBypassOptions": "AzureServices",
        "networkRuleSet": {"defaultAction": "Deny", "ipRules": [{"action": "Allow", "ipAddressOrRange": r} for r in VPN_RANGES]},
        "policies": {"quarantinePolicy": {"status": "disabled"}, "retentionPolicy": {"days": 30, "status": "enabled"},
                     "trustPolicy": {"status": "disabled", "type": "Notary"}},
        "privateEndpointConnections": [],
        "provisioningState": "Succeeded",
        "publicNetworkAccess": "Enabled",
        "resourceGroup": "rg-platform-weu",
        "sku": {"name": "Premium", "tier": "Premium"},
        "type": "Microsoft.ContainerRegistry/registries",
        "zoneRedundancy": "Enabled",
    }


def acr_diagnostic_settings():
    """`az monitor diagnostic-settings list --resource <registry id>` as Azure CLI 2.4x and
    later print it: a bare array, `properties` flattened, unset fields `null`."""
    return [{
        "eventHubAuthorizationRuleId": None,
        "eventHubName": None,
        "id": f"{ACR_ID}/providers/microsoft.insights/diagnosticSettings/acr-audit-to-law",
        "logAnalyticsDestinationType": "Dedicated",
        "logs": [
            {"category": "ContainerRegistryRepositoryEvents", "categoryGroup": None, "enabled": True,
             "retentionPolicy": {"days": 0, "enabled": False}},
            {"category": "ContainerRegistryLoginEvents", "categoryGroup": None, "enabled": True,
             "retentionPolicy": {"days": 0, "enabled": False}},
        ],
        "marketplacePartnerId": None,
        "metrics": [{"category": "AllMetrics", "enabled": True, "retentionPolicy": {"days": 0, "enabled": False},
                     "timeGrain": None}],
        "name": "acr-audit-to-law",
        "resourceGroup": "rg-platform-weu",
        "serviceBusRuleId": None,
        "storageAccountId": None,
        "systemData": None,
        "type": "Microsoft.Insights/diagnosticSettings",
        "workspaceId": WORKSPACE,
    }]


ROLE_IDS = {"AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d", "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
            "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"}


def assignment(principal, name, ptype, role, scope):
    guid = uid("ra", principal, role, scope)
    return {
        "condition": None, "conditionVersion": None,
        "createdBy": uid("creator", "platform"), "createdOn": "2026-03-02T10:15:00.000000+00:00",
        "delegatedManagedIdentityResourceId": None, "description": None,
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}",
        "name": guid,
        "principalId": principal, "principalName": name, "principalType": ptype,
        "roleDefinitionId": f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_IDS[role]}",
        "roleDefinitionName": role,
        "scope": scope,
        "type": "Microsoft.Authorization/roleAssignments",
        "updatedBy": uid("creator", "platform"), "updatedOn": "2026-03-02T10:15:00.000000+00:00",
    }


def role_assignments():
    return [
        assignment(KUBELET[PROD], f"{uid('kubelet-client', PROD)}", "ServicePrincipal", "AcrPull", ACR_ID),
        assignment(KUBELET[STAGE], f"{uid('kubelet-client', STAGE)}", "ServicePrincipal", "AcrPull", ACR_ID),
        assignment(uid("ci", "github"), "gh-contoso-build", "ServicePrincipal", "AcrPush", ACR_ID),
        assignment(uid("aci", "identity"), "id-aci-workloads", "ServicePrincipal", "AcrPull", ACR_ID),
        assignment(uid("group", "platform-readers"), "platform-readers", "Group", "Reader", ACR_ID),
    ]


# --------------------------------------------------------------------------- ACI

def container_group(name, image, public, env, registry, identity, logs, cpu=1.0):
    img = E.image(image)
    rg = "rg-aci-weu"
    g = {
        "confidentialComputeProperties": None,
        "containers": [{
            "command": None,
            "environmentVariables": env,
            "image": img["ref"],
            "instanceView": {"currentState": {"detailStatus": "", "startTime": "2026-11-18T22:04:11.118000+00:00", "state": "Running"},
                             "restartCount": 0},
            "livenessProbe": None, "name": img["workload"], "ports": [{"port": 443, "protocol": "TCP"}],
            "readinessProbe": None,
            "resources": {"limits": None, "requests": {"cpu": cpu, "memoryInGb": 1.5}},
            "securityContext": {"allowPrivilegeEscalation": False, "privileged": False, "runAsUser": 10001},
            "volumeMounts": None,
        }],
        "diagnostics": ({"logAnalytics": {"logType": "ContainerInsights", "workspaceId": uid("law", "contoso"), "workspaceKey": None}}
                        if logs else None),
        "encryptionProperties": None,
        "id": f"{SUB}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups/{name}",
        "identity": ({"type": "UserAssigned", "userAssignedIdentities": {
            f"{SUB}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aci-workloads":
                {"clientId": uid("aci", "client"), "principalId": uid("aci", "identity")}}} if identity else None),
        "imageRegistryCredentials": registry,
        "initContainers": [],
        "instanceView": {"events": [], "state": "Running"},
        "ipAddress": ({"dnsNameLabel": name, "fqdn": f"{name}.westeurope.azurecontainer.io", "ip": "20.103.81.17",
                       "ports": [{"port": 443, "protocol": "TCP"}], "type": "Public"} if public
                      else {"ip": "10.30.2.4", "ports": [{"port": 443, "protocol": "TCP"}], "type": "Private"}),
        "location": "westeurope",
        "name": name,
        "osType": "Linux",
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
        "restartPolicy": "OnFailure" if not public else "Always",
        "sku": "Standard",
        "subnetIds": (None if public else [{"id": f"{SUB}/resourceGroups/rg-network-weu/providers/Microsoft.Network/virtualNetworks/vnet-aci/subnets/snet-aci", "name": None}]),
        "tags": {"owner": img["team"] or "platform"},
        "type": "Microsoft.ContainerInstance/containerGroups",
        "volumes": None,
    }
    return g


def container_groups():
    by_identity = [{"identity": f"{SUB}/resourceGroups/rg-aci-weu/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aci-workloads",
                    "password": None, "server": "contosoacr.azurecr.io", "username": None}]
    by_password = [{"identity": None, "password": None, "server": "contosoacr.azurecr.io", "username": "contosoacr-pull"}]
    return [
        # Public: the seasonal promotion pages, exposed directly on a public IP.
        container_group("shop-promo-renderer", "contosoacr.azurecr.io/shop/web", True,
                        [{"name": "PROMO_CAMPAIGN", "secureValue": None, "value": "winter-2026"}],
                        by_identity, True, logs=False),
        # Private, but the SFTP password is a plain `value` and the image is pulled with a password.
        # (`az container list` prints plain values; the one below is invented, muster keeps only its name.)
        container_group("batch-report-export", "contosoacr.azurecr.io/batch/reporter", False,
                        [{"name": "EXPORT_TARGET", "secureValue": None, "value": "sftp.partner.example"},
                         {"name": "SFTP_PASSWORD", "secureValue": None, "value": "Winter-2026-export!"}],
                        by_password, False, logs=False, cpu=0.5),
        # Private, identity-based pull, secret as secureValue, logs in Log Analytics.
        container_group("payments-webhook", "contosoacr.azurecr.io/payments/api", False,
                        [{"name": "WEBHOOK_SIGNING_KEY", "secureValue": None, "value": None},
                         {"name": "ASPNETCORE_URLS", "secureValue": None, "value": "https://+:443"}],
                        by_identity, True, logs=True),
    ]


# --------------------------------------------------------------------------- Azure Policy

K8S_POLICIES = [
    # definition GUID, reference id, display name, action, non-compliant on stage?
    ("95edb821-ddaf-4404-9732-666045e056b4", "privileged", "Kubernetes cluster should not allow privileged containers", "deny", True),
    ("1c6e92c9-99f0-4e55-9cf2-0c234dc48f99", "allowPrivilegeEscalation", "Kubernetes clusters should not allow container privilege escalation", "deny", False),
    ("febd0533-8e55-448f-b837-bd0e06f16469", "allowedImages", "Kubernetes cluster containers should only use allowed images", "deny", True),
    ("233a2a17-77ca-4fb1-9b6b-69223d272a44", "httpsOnly", "Kubernetes clusters should be accessible only over HTTPS", "audit", False),
]


def policy_states():
    rows = []
    assignment_id = f"{SUB}/providers/Microsoft.Authorization/policyAssignments/aks-pod-security-baseline"
    for cluster in E.CLUSTERS:
        rid = f"{SUB}/resourcegroups/rg-{cluster}/providers/microsoft.containerservice/managedclusters/{cluster}"
        for guid, ref, name, action, stage_gap in K8S_POLICIES:
            ok = cluster == PROD or not stage_gap
            rows.append({
                "complianceState": "Compliant" if ok else "NonCompliant",
                "effectiveParameters": "",
                "isCompliant": ok,
                "managementGroupIds": "contoso-root",
                "policyAssignmentId": assignment_id,
                "policyAssignmentName": "aks-pod-security-baseline",
                "policyAssignmentScope": SUB,
                "policyDefinitionAction": action,
                "policyDefinitionCategory": "Kubernetes",
                "policyDefinitionId": f"/providers/Microsoft.Authorization/policyDefinitions/{guid}",
                "policyDefinitionName": guid,
                "policyDefinitionReferenceId": ref,
                "policySetDefinitionCategory": "Kubernetes",
                "policySetDefinitionId": "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d",
                "policySetDefinitionName": "a8640138-9b0a-4a28-b8cb-1666c838647d",
                "resourceGroup": f"rg-{cluster}",
                "resourceId": rid,
                "resourceLocation": "westeurope",
                "resourceType": "Microsoft.ContainerService/managedClusters",
                "subscriptionId": SUBSCRIPTION,
                "timestamp": STAMP,
            })
    return rows


# --------------------------------------------------------------------------- Defender for Cloud

def sub_assessments():
    """Resource Graph rows of unhealthy registry images (the query filters on Unhealthy):
    the findings each private image's latest scan shows, as Defender (MDVM) reports them."""
    di = len(E.SCAN_DAYS) - 2   # the 2026-11-16 state: Defender's rows are from 2026-11-19
    assessment = "c0b7cfc6-3172-465a-b378-53c7ff2cc0d5"
    rows = []
    for img in E.IMAGES:
        if not img["private"]:
            continue
        for cve, pkg, installed, fixed, sev, *_ in E.findings_on(img["repo"], di):
            repository = img["repo"].split("/", 1)[1]
            rows.append({
                "id": f"{ACR_ID}/providers/Microsoft.Security/assessments/{assessment}/subassessments/{uid('sub', img['repo'], cve)}",
                "name": uid("sub", img["repo"], cve),
                "type": "microsoft.security/assessments/subassessments",
                "tenantId": TENANT,
                "resourceGroup": "rg-platform-weu",
                "subscriptionId": SUBSCRIPTION,
                "properties": {
                    "id": cve,
                    "displayName": cve,
                    "description": f"{pkg} {installed} is affected by {cve}.",
                    "timeGenerated": STAMP,
                    "status": {"code": "Unhealthy", "severity": sev.capitalize(), "cause": "", "description": "Vulnerability found"},
                    "resourceDetails": {"id": f"{ACR_ID}/repositories/{repository}/images/{img['digest']}", "source": "Azure",
                                        "resourceName": f"{repository}@{img['digest']}", "resourceType": "repositories/images"},
                    "additionalData": {
                        "assessedResourceType": "AzureContainerRegistryVulnerability",
                        "vulnerabilityDetails": {"cveId": cve, "severity": sev.capitalize(),
                                                 "exploitabilityAssessment": {"exploitStepsPublished": False, "exploitStepsVerified": False}},
                        "artifactDetails": {"registryHost": "contosoacr.azurecr.io", "repositoryName": repository,
                                            "digest": img["digest"], "tags": [img["tag"]], "artifactType": "ContainerImage",
                                            "lastPushedToRegistryUTCDate": "2026-09-18T08:00:00Z"},
                        "softwareDetails": {"packageName": pkg, "version": installed, "fixedVersion": fixed or None,
                                            "fixStatus": "FixAvailable" if fixed else "FixNotAvailable",
                                            "osDetails": {"osPlatform": img["os"][0], "osVersion": img["os"][1]}},
                    },
                },
            })
    return {"count": len(rows), "data": rows, "skip_token": None, "total_records": len(rows)}


# --------------------------------------------------------------------------- kubectl inventory

def restricted(img):
    """The container security context, following the trivy-k8s story of each workload."""
    repo = img["repo"]
    sc = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": True,
          "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    if repo in ("contosoacr.azurecr.io/shop/cart", "contosoacr.azurecr.io/batch/reporter",
                "contosoacr.azurecr.io/identity/admin-ui"):
        sc["readOnlyRootFilesystem"] = False
    if repo in ("contosoacr.azurecr.io/batch/etl", "contosoacr.azurecr.io/payments/ledger"):
        del sc["runAsNonRoot"]
    if repo == "contosoacr.azurecr.io/batch/etl":
        sc["privileged"] = True
        sc["allowPrivilegeEscalation"] = True
    return sc


def limits(img):
    if img["repo"] == "quay.io/prometheus/node-exporter":
        return {"limits": {"memory": "64Mi"}, "requests": {"cpu": "50m", "memory": "32Mi"}}
    return {"limits": {"cpu": "500m", "memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}


def deployment(cluster, img):
    name = img["workload"]
    labels = {"app.kubernetes.io/name": name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": img["ns"], "uid": uid("deploy", cluster, name), "generation": 3,
                     "labels": {**labels, "app.kubernetes.io/part-of": img["team"] or "platform"},
                     "creationTimestamp": "2026-09-18T08:30:00Z"},
        "spec": {
            "replicas": 2 if cluster == PROD else 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "automountServiceAccountToken": False,
                    "containers": [{"image": img["ref"], "imagePullPolicy": "IfNotPresent", "name": name,
                                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                                    "resources": limits(img), "securityContext": restricted(img)}],
                    "securityContext": {"fsGroup": 10001},
                    "serviceAccountName": name,
                },
            },
        },
        "status": {"availableReplicas": 2 if cluster == PROD else 1, "observedGeneration": 3},
    }


def namespace(cluster, ns):
    labels = {"kubernetes.io/metadata.name": ns}
    level = {"shop": "restricted", "payments": "restricted", "identity": "restricted", "batch": "baseline"}.get(ns)
    if cluster == STAGE and ns in ("identity", "batch"):
        level = None   # staging never got the labels on these two
    if level:
        labels["pod-security.kubernetes.io/enforce"] = level
        labels["pod-security.kubernetes.io/enforce-version"] = "latest"
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": ns, "uid": uid("ns", cluster, ns), "labels": labels,
                         "creationTimestamp": "2026-03-02T10:20:00Z"},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def default_deny(cluster, ns):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny-ingress", "namespace": ns, "uid": uid("np", cluster, ns)},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}


def admin_binding(name, subjects):
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": name, "uid": uid("crb", name)},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
            "subjects": subjects}


def inventory(cluster):
    items = [namespace(cluster, ns) for ns in E.NAMESPACES + ["kube-system"]]
    items += [deployment(cluster, img) for img in E.IMAGES]
    items.append({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "uid": uid("ds", cluster, "kube-proxy")},
        "spec": {"selector": {"matchLabels": {"component": "kube-proxy"}},
                 "template": {"metadata": {"labels": {"component": "kube-proxy"}},
                              "spec": {"hostNetwork": True, "containers": [{
                                  "name": "kube-proxy", "image": "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.30.6",
                                  "securityContext": {"privileged": True}}]}}},
    })
    # Every application namespace but `default` has a default-deny ingress policy.
    items += [default_deny(cluster, ns) for ns in E.NAMESPACES if ns != "default"]
    items.append(admin_binding("cluster-admin", [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]))
    if cluster == STAGE:
        items.append(admin_binding("dev-admins", [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group",
                                                   "name": uid("group", "contoso-developers")}]))
    return {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}


# --------------------------------------------------------------------------- muster.toml block

def sources_block():
    lines = [MARK_BEGIN,
             "# The kubectl inventories name no cluster: say which cluster each file is about.",
             "[[sources.files]]",
             f'path = "platform/*/kubectl/{PROD}.json"',
             f'cluster = "{PROD}"',
             "",
             "[[sources.files]]",
             f'path = "platform/*/kubectl/{STAGE}.json"',
             f'cluster = "{STAGE}"',
             MARK_END]
    return "\n".join(lines) + "\n"


def update_config():
    path = os.path.join(ROOT, "muster.toml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if MARK_BEGIN in text:
        head, _, rest = text.partition(MARK_BEGIN)
        _, _, tail = rest.partition(MARK_END + "\n")
        text = head.rstrip("\n") + "\n" + tail
    with open(path, "w", encoding="utf-8") as f:
        f.write(text.rstrip("\n") + "\n\n" + sources_block())


# --------------------------------------------------------------------------- README

PLATFORM_MD = f"""# Platform exports in the sample data

`scripts/gen_sample_platform.py` writes `platform/` from the Contoso estate in
`scripts/sample_estate.py`. It keeps a marked `[[sources.files]]` block at the end of
`muster.toml`, which `gen_sample_runtime.py` rewrites around it (any order works).
Every value is invented; only the shapes follow the tools. The exports that carry no
time of their own (`az … show`, `kubectl`) sit under `platform/{DAY}/`, the day
they were taken, and muster dates them from that path.

| file | command | what it shows |
|---|---|---|
| `{DAY}/aks/{PROD}.json` | `az aks show -g rg-{PROD} -n {PROD}` | the compliant cluster: authorized IP ranges, Entra ID with Azure RBAC and local accounts disabled, stable upgrade and NodeImage OS channels, trusted launch, SSH disabled, encryption at host, no node public IPs, KMS, Key Vault provider, Azure Policy and Defender, Calico |
| `{DAY}/aks/{STAGE}.json` | `az aks show -g rg-{STAGE} -n {STAGE}` | the cluster with gaps: public API server with no authorized ranges, local accounts enabled, no automatic upgrades, no trusted launch, SSH with local keys, no Key Vault provider, no Defender profile (encryption at host and KMS are on, as on production). It is not production (`[scope]`), so its gaps warn |
| `{DAY}/acr/contosoacr.json` | `az acr show -n contosoacr` | admin user and anonymous pull disabled, network rules deny by default |
| `{DAY}/acr/contosoacr-diagnostic-settings.json` | `az monitor diagnostic-settings list --resource <registry id>` | one setting sending `ContainerRegistryLoginEvents` and `ContainerRegistryRepositoryEvents` to the Log Analytics workspace |
| `{DAY}/rbac/role-assignments.json` | `az role assignment list --scope <registry id>` | both kubelet identities with AcrPull, the build pipeline's service principal with AcrPush, the ACI identity with AcrPull, a reader group |
| `{DAY}/aci/container-groups.json` | `az container list` | `shop-promo-renderer` on a public IP; `batch-report-export` passing `SFTP_PASSWORD` as a plain `value` and pulling with the registry password; `payments-webhook` private, identity-based, logging to Log Analytics |
| `policy/policy-states.json` | `az policy state list --filter "policyDefinitionCategory eq 'Kubernetes'"` | the pod-security baseline initiative: all compliant on {PROD}; privileged containers and allowed images non-compliant on {STAGE} |
| `defender/registry-sub-assessments.json` | `az graph query` of Defender for Cloud registry sub-assessments (MDVM rows, `Unhealthy` only) | the vulnerabilities of the private images as of the 2026-11-16 scans, one row per image and CVE |
| `{DAY}/kubectl/<cluster>.json` | `kubectl get namespaces,deployments,daemonsets,networkpolicies,clusterrolebindings -A -o json` | what runs: the twelve workloads with the security contexts the trivy k8s reports describe, Pod Security Admission labels (missing on identity and batch in staging, and on default), default-deny ingress policies in every namespace but default, and a `dev-admins` cluster-admin binding in staging |

Which control each export settles, and the controls no export settles:

- NET-02, NODE-01…04, K8S-01, REG-02, NET-03, SEC-01, SEC-04 read these facts; the
  attestations for NODE-02, NODE-04, NET-02 and REG-02 remain, and the control pages
  show each beside the platform fact (the fact decides where they disagree: the staging
  pools have no trusted launch although the NODE-02 attestation says they do, and a
  container group pulls with the registry password although REG-02 is attested).
- **IMG-08** (provenance) stays *not assessed*: build provenance lives in the build
  system (SLSA attestations, SBOMs verified at admission), not in any platform or
  scanner export of this estate.
- **MON-03** (audit logging of administrative access) reads the registry's diagnostic
  settings (`az monitor diagnostic-settings list`): login and repository events go to
  the Log Analytics workspace, so its registry-logs check passes and the control is
  evidenced rather than *manual*. It warns: two container groups do not send their logs
  to Log Analytics (the optional container-instance-logs check). The clusters' own
  diagnostic settings are not in the sample, so the optional control-plane-logs check
  stays not evidenced (the cluster audit trail itself is covered by the audit logs).
"""


def main():
    for c in E.CLUSTERS:
        put(f"{DAY}/aks/{c}.json", aks(c))
        put(f"{DAY}/kubectl/{c}.json", inventory(c))
    put(f"{DAY}/acr/contosoacr.json", acr())
    put(f"{DAY}/acr/contosoacr-diagnostic-settings.json", acr_diagnostic_settings())
    put(f"{DAY}/rbac/role-assignments.json", role_assignments())
    put(f"{DAY}/aci/container-groups.json", container_groups())
    put("policy/policy-states.json", policy_states())
    put("defender/registry-sub-assessments.json", sub_assessments())
    shutil.rmtree(os.path.join(ROOT, DIR), ignore_errors=True)
    for rel, data in sorted(FILES.items()):
        path = os.path.join(ROOT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
    with open(os.path.join(ROOT, "PLATFORM.md"), "w", encoding="utf-8") as f:
        f.write(PLATFORM_MD)
    update_config()
    for rel in sorted(FILES):
        print(f"{rel:60} {os.path.getsize(os.path.join(ROOT, rel)) / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
