package dev.consentgate.tools;

import dev.consentgate.cli.CommandFailure;
import dev.consentgate.cli.ExitCodes;
import dev.consentgate.cli.Setup;
import dev.consentgate.policy.Policy;
import dev.consentgate.policy.PolicyException;
import dev.consentgate.policy.PolicyLogRecord;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies the service started with, from the policy topic (docs/audit.md#policies-in-the-log). Every record is
 * checked: one whose text does not have the hash its key names, or does not parse, refuses them all, since a replay
 * under a policy someone slipped in would vouch for nothing.
 */
final class PolicyTopic {

    private PolicyTopic() {
    }

    /** Every policy in the topic, one per content hash; a {@link CommandFailure} (exit 2) names a refused record. */
    static List<Policy> read(Setup setup) {
        String topic = setup.config().policiesTopic();
        Map<String, Policy> byHash = new LinkedHashMap<>();
        try (BoundedTopicReader reader = new BoundedTopicReader(setup.properties())) {
            reader.read(reader.spans(topic, RecordRange.all()), record -> {
                String source = topic + " partition " + record.partition() + " offset " + record.offset();
                String key = record.key() == null ? "(no key)" : new String(record.key(), StandardCharsets.UTF_8);
                try {
                    Policy policy = PolicyLogRecord.read(key, record.value(), source);
                    byHash.put(policy.contentHash(), policy);
                } catch (PolicyException e) {
                    throw new CommandFailure(ExitCodes.INVALID_INPUT, e.getMessage());
                }
            });
        }
        if (byHash.isEmpty()) {
            throw new CommandFailure(ExitCodes.INVALID_INPUT, "topic " + topic + " holds no policy: give the policy files with --policy");
        }
        return List.copyOf(byHash.values());
    }
}
