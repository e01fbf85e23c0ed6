package dev.consentgate.demo;

import dev.consentgate.schema.Decision;
import dev.consentgate.schema.DecisionRecord;
import dev.consentgate.schema.PurposeDecision;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Decisions counted per purpose and outcome, from the audit topic, plus a few examples to show. */
public final class DecisionTally {

    private static final int EXAMPLES = 6;

    private final Map<String, Map<Decision, Long>> byPurpose = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private long events;
    private long deadLetters;

    public synchronized void add(DecisionRecord record) {
        events++;
        for (PurposeDecision decision : record.getDecisions()) {
            byPurpose.computeIfAbsent(decision.getPurpose(), p -> new EnumMap<>(Decision.class))
                    .merge(decision.getDecision(), 1L, Long::sum);
            keepAsExample(record, decision);
        }
    }

    /** Keeps the first example of each outcome, so the summary shows every kind of decision. */
    private void keepAsExample(DecisionRecord record, PurposeDecision decision) {
        String outcome = decision.getDecision().name().toLowerCase(java.util.Locale.ROOT);
        if (examples.size() < EXAMPLES && examples.stream().noneMatch(e -> e.contains(" " + outcome + " "))) {
            examples.add(String.format("%s %s %s because %s (basis %s)", record.getEventId(), decision.getPurpose(), outcome,
                    String.join(", ", decision.getReasons()), decision.getLegalBasis() == null ? "none" : decision.getLegalBasis()));
        }
    }

    public synchronized void addDeadLetter() {
        deadLetters++;
    }

    public synchronized long events() {
        return events;
    }

    public synchronized long deadLetters() {
        return deadLetters;
    }

    public synchronized long count(String purpose, Decision decision) {
        return byPurpose.getOrDefault(purpose, Map.of()).getOrDefault(decision, 0L);
    }

    public synchronized List<String> purposes() {
        return List.copyOf(byPurpose.keySet());
    }

    public synchronized List<String> examples() {
        return List.copyOf(examples);
    }
}
