#!/usr/bin/env bash
# The ACLs of deploy/strimzi's KafkaUsers, for a cluster without Strimzi's User Operator: the service's user,
# the auditor's tools' user, one user per purpose consumer of the example policy, the erasure notices' consumer, a
# reviewer of held records and the consent-management platform that writes signals. A test checks that both grant exactly the same.
#
#   create-acls.sh BOOTSTRAP_SERVERS [ADMIN_CLIENT_PROPERTIES]
#
# Runs kafka-acls.sh from PATH (or $KAFKA_ACLS). Adding an ACL that exists is harmless, so it can run again.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 BOOTSTRAP_SERVERS [ADMIN_CLIENT_PROPERTIES]" >&2
  exit 2
fi
bootstrap=$1
command_config=()
if [[ $# -eq 2 ]]; then command_config=(--command-config "$2"); fi
kafka_acls=${KAFKA_ACLS:-kafka-acls.sh}

application_id=consentgate
inputs=(crm.contacts crm.email-engagement crm.lead-scores)
purposes=(marketing.communications.email analytics.reporting personalize.profiling train_ai_system
          marketing.advertising sales.prospecting essential.service)
# The purposes whose fields are encrypted under customers' data keys (the demo encrypts marketing's email addresses):
# their consumers read consent.keys to decrypt. A data key opens its customer's fields in every purpose topic: list no other.
decrypting_purposes=(marketing.communications.email)

# allow USER RESOURCE_OPTION RESOURCE_NAME PATTERN_TYPE OPERATION...   (RESOURCE_OPTION: --topic, --group, --transactional-id)
allow() {
  local user=$1 resource_option=$2 resource_name=$3 pattern_type=$4
  shift 4
  local operations=()
  for operation in "$@"; do operations+=(--operation "$operation"); done
  "$kafka_acls" --bootstrap-server "$bootstrap" "${command_config[@]}" --add \
    --allow-principal "User:$user" --allow-host '*' \
    "$resource_option" "$resource_name" --resource-pattern-type "$pattern_type" "${operations[@]}"
}

# The service: what it reads, what it writes, its internal topics, its group and its transactional ids.
allow "$application_id" --topic consent.events literal Read Describe
# read when the policy has a signals section; granted without one too, so adding the section needs no ACL change
allow "$application_id" --topic consent.signals literal Read Describe
# read and written when a purpose has review: required; granted without it too, so adding review needs no ACL change
allow "$application_id" --topic consent.review.decisions literal Read Describe
# (and read only to find an erased customer's held records for the erasure notice)
allow "$application_id" --topic consent.review literal Read Write Describe
for topic in "${inputs[@]}"; do
  allow "$application_id" --topic "$topic" literal Read Describe
done
allow "$application_id" --topic consent.events.rerouted literal Read Write Describe
allow "$application_id" --topic consent.audit literal Write Describe
allow "$application_id" --topic consent.audit.checkpoints literal Write Describe
allow "$application_id" --topic consent.policies literal Write Describe
allow "$application_id" --topic consent.dlq literal Write Describe
# written, never read: the service restores its data keys from its own changelog, and nobody but the erasure consumers
# may read the erasure notices
allow "$application_id" --topic consent.keys literal Write Describe
allow "$application_id" --topic privacy.erasure literal Write Describe
# purpose topics: read only to find an erased customer's records for the erasure notice
for purpose in "${purposes[@]}"; do
  allow "$application_id" --topic "crm.purpose.$purpose" literal Read Write Describe
done
allow "$application_id" --topic "$application_id-" prefixed Create Read Write Describe Delete DescribeConfigs
allow "$application_id" --group "$application_id" literal Read Describe
allow "$application_id" --transactional-id "$application_id-" prefixed Write Describe

# The auditor's tools (audit verify, explain, replay): read only, partitions assigned, no group.
auditor="$application_id-auditor"
for topic in consent.events consent.events.rerouted "${inputs[@]}" consent.audit consent.audit.checkpoints consent.policies consent.dlq \
    consent.review.decisions; do
  allow "$auditor" --topic "$topic" literal Read Describe
done

# Each purpose's consumer: its purpose topic and its own group, named like the user (no underscores, as in Strimzi).
for purpose in "${purposes[@]}"; do
  consumer="consumer-${purpose//_/-}"
  allow "$consumer" --topic "crm.purpose.$purpose" literal Read Describe
  allow "$consumer" --group "$consumer" literal Read
done
for purpose in "${decrypting_purposes[@]}"; do
  allow "consumer-${purpose//_/-}" --topic consent.keys literal Read Describe
done

# The systems that must delete an erased customer's data: the erasure notices, which name every erased customer, are
# theirs alone. One such user, with its own group, per system.
erasure_consumer="$application_id-erasure-consumer"
allow "$erasure_consumer" --topic privacy.erasure literal Read Describe
allow "$erasure_consumer" --group "$erasure_consumer" literal Read

# A reviewer (consentgate review list|approve|reject): the held records, and the decisions it writes and lists. The held
# records are personal data: nobody else reads them.
reviewer="$application_id-reviewer"
allow "$reviewer" --topic consent.review literal Read Describe
allow "$reviewer" --topic consent.review.decisions literal Read Write Describe

# The consent-management platform: writes privacy signals, nothing else.
allow consent-management-platform --topic consent.signals literal Write Describe
