package dev.consentgate.serde;

/** Confluent's default subject naming: {@code <topic>-key} and {@code <topic>-value}. */
final class TopicNameStrategy {

    private TopicNameStrategy() {
    }

    static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
