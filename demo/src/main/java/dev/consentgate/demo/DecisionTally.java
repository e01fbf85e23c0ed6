package dev.consentgate.demo;

import dev.consentgate.schema.ConsentRecordUsed;
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
    /** Per signal kind, the decisions resting on a statement of such a signal: [from the signals topic, from an event]. */
    private final Map<String, long[]> bySignal = new TreeMap<>();
    private long events;
    private long deadLetters;

    public synchronized void add(DecisionRecord record) {
        events++;
        for (PurposeDecision decision : record.getDecisions()) {
            byPurpose.computeIfAbsent(decision.getPurpose(), p -> new EnumMap<>(Decision.class))
                    .merge(decision.getDecision(), 1L, Long::sum);
            countSignal(decision.getConsentUsed());
            keepAsExample(record, decision);
        }
    }

    /** A statement decoded from a signal an event carried names that event's topic as its source. */
    private void countSignal(ConsentRecordUsed used) {
        if (used == null || used.getSignal() == null) {
            return;
        }
        boolean fromEvent = DemoTraffic.INPUT_TOPICS.contains(used.getSource());
        bySignal.computeIfAbsent(used.getSignal().getKind(), kind -> new long[2])[fromEvent ? 1 : 0]++;
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

    /** The signal kinds (tcf, gpp, gpc) some decision rested on. */
    public synchronized List<String> signalKinds() {
        return List.copyOf(bySignal.keySet());
    }

    /** Decisions that rested on a statement of a signal of this kind read from the signals topic. */
    public synchronized long decisionsOnSignalsTopic(String kind) {
        return bySignal.getOrDefault(kind, new long[2])[0];
    }

    /** Decisions that rested on a statement of a signal of this kind that an event carried. */
    public synchronized long decisionsOnSignalsInEvents(String kind) {
        return bySignal.getOrDefault(kind, new long[2])[1];
    }

    public synchronized List<String> examples() {
        return List.copyOf(examples);
    }
}
