package dev.consentgate.policy;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kafka's rule for topic names, checked when the policy loads rather than when the first record is written. */
final class TopicNames {

    private static final String RULE = "letters, digits, '.', '_' and '-', at most 249 characters";
    private static final Pattern LEGAL_CHARACTERS = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final int MAX_LENGTH = 249;

    private TopicNames() {
    }

    /** The topic named by {@code entry} of {@code map} if Kafka accepts it, else empty and a problem. */
    static Optional<String> read(YamlMap map, YamlMap.Entry entry, ProblemCollector problems) {
        return YamlNodes.text(entry.value(), entry.line(), map.describe(entry), problems).filter(topic -> {
            boolean legal = topic.length() <= MAX_LENGTH && LEGAL_CHARACTERS.matcher(topic).matches();
            if (!legal) {
                problems.add(entry.line(), entry.key() + " '" + topic + "' in " + map.context()
                        + " is not a legal Kafka topic name: use only " + RULE);
            }
            return legal;
        });
    }
}
