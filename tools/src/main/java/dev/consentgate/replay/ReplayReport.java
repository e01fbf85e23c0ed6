package dev.consentgate.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay found: counts, the first mismatches with both decisions side by side, and for a
 * what-if the decision transitions per purpose. Rendered as plain text and as JSON. It names events by
 * event id, customers only by their HMAC, and inputs by topic, partition and offset: never a payload.
 */
public final class ReplayReport {

    /** A plain replay against the recorded policies, or a what-if under another policy. */
    public enum Mode { REPLAY, WHAT_IF }

    /** A replayed decision that differs from the recorded one; {@code replayed} is null when the replay decided nothing. */
    public record Mismatch(String eventId, int auditPartition, long auditOffset, String input, String note,
                           List<AuditView.Difference> differences, Map<String, Object> recorded, Map<String, Object> replayed) {
    }

    /** One purpose's decision before and after, with the new decision's reasons. */
    public record Transition(String purpose, String from, String to, String reason) {
        boolean changed() {
            return !from.equals(to);
        }
    }

    private static final Comparator<Transition> TRANSITION_ORDER = Comparator.comparing(Transition::purpose)
            .thenComparing(Transition::from).thenComparing(Transition::to).thenComparing(Transition::reason);

    private final Mode mode;
    private final String auditTopic;
    private final String range;
    private final Map<String, String> policies;
    private final int shown;

    private long events;
    private long matched;
    private long mismatched;
    private long missingAudit;
    private long auditWithoutInput;
    private long inputDeleted;
    private long deadLettered;
    private long notDecided;
    private long eventsChanged;
    private final List<Mismatch> mismatches = new ArrayList<>();
    private final List<String> missingAuditSamples = new ArrayList<>();
    private final List<String> withoutInputSamples = new ArrayList<>();
    private final List<String> inputDeletedSamples = new ArrayList<>();
    private final Map<Transition, Long> transitions = new TreeMap<>(TRANSITION_ORDER);
    private final List<String> notes = new ArrayList<>();

    /**
     * @param policies policy version → content hash, of the policies replayed under
     * @param shown    how many mismatches and unmatched records the report lists (all are counted)
     */
    public ReplayReport(Mode mode, String auditTopic, String range, Map<String, String> policies, int shown) {
        this.mode = mode;
        this.auditTopic = auditTopic;
        this.range = range;
        this.policies = new TreeMap<>(policies);
        this.shown = shown;
    }

    void matched() {
        events++;
        matched++;
    }

    void mismatched(Mismatch mismatch) {
        events++;
        mismatched++;
        if (mismatches.size() < shown) {
            mismatches.add(mismatch);
        }
    }

    void missingAudit(String inputPosition) {
        missingAudit++;
        if (missingAuditSamples.size() < shown) {
            missingAuditSamples.add(inputPosition);
        }
    }

    void auditWithoutInput(String eventId, String inputPosition) {
        auditWithoutInput++;
        if (withoutInputSamples.size() < shown) {
            withoutInputSamples.add(eventId + " (input " + inputPosition + ")");
        }
    }

    /**
     * An audit record whose input is below its partition's first offset: deleted since (retention, or deleted records
     * for an erasure), so it cannot be replayed; not a difference.
     */
    void inputDeleted(String eventId, String inputPosition) {
        inputDeleted++;
        if (inputDeletedSamples.size() < shown) {
            inputDeletedSamples.add(eventId + " (input " + inputPosition + ")");
        }
    }

    void deadLettered() {
        deadLettered++;
    }

    /** What-if: an event the new policy does not read (its input topic is not among the policy's inputs). */
    void notDecided() {
        events++;
        notDecided++;
    }

    /** What-if: one event's transitions, one per purpose it declares. */
    void replayedUnderNewPolicy(List<Transition> eventTransitions) {
        events++;
        eventTransitions.forEach(t -> transitions.merge(t, 1L, Long::sum));
        if (eventTransitions.stream().anyMatch(Transition::changed)) {
            eventsChanged++;
        }
    }

    void note(String note) {
        notes.add(note);
    }

    public Mode mode() {
        return mode;
    }

    public long events() {
        return events;
    }

    public long matchedCount() {
        return matched;
    }

    public long mismatchedCount() {
        return mismatched;
    }

    public long missingAuditCount() {
        return missingAudit;
    }

    public long auditWithoutInputCount() {
        return auditWithoutInput;
    }

    public long inputDeletedCount() {
        return inputDeleted;
    }

    public long deadLetteredCount() {
        return deadLettered;
    }

    public long eventsChangedCount() {
        return eventsChanged;
    }

    public List<Mismatch> mismatches() {
        return List.copyOf(mismatches);
    }

    public Map<Transition, Long> transitions() {
        return new TreeMap<>(transitions);
    }

    /** Every replayed event matched its audit record, and every input of the range has one. */
    public boolean allMatch() {
        return mismatched == 0 && missingAudit == 0 && auditWithoutInput == 0;
    }

    /** What-if: the decisions the new policy makes, per purpose and decision. */
    public Map<String, Map<String, Long>> newDecisionCounts() {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        transitions.forEach((t, n) -> counts.computeIfAbsent(t.purpose(), p -> new TreeMap<>()).merge(t.to(), n, Long::sum));
        return counts;
    }

    public String text() {
        StringBuilder out = new StringBuilder();
        if (mode == Mode.REPLAY) {
            line(out, "consentgate replay of %s, range %s, policies %s", auditTopic, range, policyList());
            row(out, "matched", matched);
            row(out, "mismatched", mismatched);
            row(out, "missing audit", missingAudit);
            row(out, "audit without input", auditWithoutInput);
            row(out, "input deleted", inputDeleted);
            row(out, "dead-lettered inputs", deadLettered);
            for (int i = 0; i < mismatches.size(); i++) {
                Mismatch m = mismatches.get(i);
                line(out, "");
                line(out, "mismatch %d: event %s, audit partition %d offset %d, input %s%s", i + 1, m.eventId(), m.auditPartition(),
                        m.auditOffset(), m.input(), m.note() == null ? "" : " (" + m.note() + ")");
                line(out, "  %-52s %-28s %s", "field", "recorded", "replayed");
                for (AuditView.Difference d : m.differences()) {
                    line(out, "  %-52s %-28s %s", d.path(), d.recorded(), d.replayed());
                }
            }
            unmatched(out, "missing audit (input positions)", missingAuditSamples, missingAudit);
            unmatched(out, "audit without input", withoutInputSamples, auditWithoutInput);
            unmatched(out, "input deleted (not replayed)", inputDeletedSamples, inputDeleted);
            notes.forEach(note -> line(out, "note: %s", note));
            line(out, "");
            line(out, allMatch() ? "result: all %s decisions match" : "result: DIFFERENCES FOUND (%s events replayed)", number(events));
        } else {
            line(out, "consentgate replay --diff of %s, range %s, under policy %s", auditTopic, range, policyList());
            line(out, "%s events replayed, %s would change; %s audit records without input, %s events the policy does not read",
                    number(events), number(eventsChanged), number(auditWithoutInput), number(notDecided));
            transitionSection(out, "decisions that would change:", true);
            transitionSection(out, "decisions that stay:", false);
            notes.forEach(note -> line(out, "note: %s", note));
        }
        return out.toString();
    }

    private void transitionSection(StringBuilder out, String heading, boolean changed) {
        line(out, "");
        line(out, heading);
        boolean any = false;
        for (Map.Entry<Transition, Long> e : transitions.entrySet()) {
            Transition t = e.getKey();
            if (t.changed() == changed) {
                any = true;
                line(out, "  %s: %s %s → %s, reason %s", t.purpose(), number(e.getValue()), word(t.from()), word(t.to()), t.reason());
            }
        }
        if (!any) {
            line(out, "  none");
        }
    }

    private void unmatched(StringBuilder out, String heading, List<String> samples, long count) {
        if (count > 0) {
            line(out, "");
            line(out, "%s: %s%s", heading, number(count), count > samples.size() ? ", first " + samples.size() : "");
            samples.forEach(s -> line(out, "  %s", s));
        }
    }

    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("mode", mode == Mode.REPLAY ? "replay" : "what-if");
        root.put("auditTopic", auditTopic);
        root.put("range", range);
        root.put("policies", policies);
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("events", events);
        if (mode == Mode.REPLAY) {
            counts.put("matched", matched);
            counts.put("mismatched", mismatched);
        } else {
            counts.put("eventsChanged", eventsChanged);
            counts.put("notDecided", notDecided);
        }
        counts.put("missingAudit", missingAudit);
        counts.put("auditWithoutInput", auditWithoutInput);
        counts.put("inputDeleted", inputDeleted);
        counts.put("deadLetteredInputs", deadLettered);
        root.put("counts", counts);
        if (mode == Mode.REPLAY) {
            root.put("allMatch", allMatch());
            List<Map<String, Object>> listed = new ArrayList<>();
            for (Mismatch m : mismatches) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("eventId", m.eventId());
                entry.put("auditPartition", m.auditPartition());
                entry.put("auditOffset", m.auditOffset());
                entry.put("input", m.input());
                entry.put("note", m.note());
                entry.put("differences", m.differences().stream().map(d -> {
                    Map<String, Object> diff = new LinkedHashMap<>();
                    diff.put("path", d.path());
                    diff.put("recorded", d.recorded());
                    diff.put("replayed", d.replayed());
                    return diff;
                }).toList());
                entry.put("recorded", m.recorded());
                entry.put("replayed", m.replayed());
                listed.add(entry);
            }
            root.put("mismatches", listed);
        } else {
            List<Map<String, Object>> listed = new ArrayList<>();
            transitions.forEach((t, n) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("purpose", t.purpose());
                entry.put("from", word(t.from()));
                entry.put("to", word(t.to()));
                entry.put("reason", t.reason());
                entry.put("count", n);
                entry.put("changed", t.changed());
                listed.add(entry);
            });
            root.put("transitions", listed);
            root.put("newDecisions", newDecisionCounts());
        }
        root.put("missingAudit", missingAuditSamples);
        root.put("auditWithoutInput", withoutInputSamples);
        root.put("inputDeleted", inputDeletedSamples);
        root.put("notes", notes);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report cannot be written as JSON", e);
        }
    }

    private String policyList() {
        List<String> listed = new ArrayList<>();
        policies.forEach((version, hash) -> listed.add(version + " (sha256 " + hash.substring(0, Math.min(12, hash.length())) + "…)"));
        return String.join(", ", listed);
    }

    private static void row(StringBuilder out, String label, long count) {
        line(out, "  %-22s %12s", label, number(count));
    }

    private static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String word(String decision) {
        return decision == null ? "none" : decision.toLowerCase(Locale.ROOT);
    }

    private static void line(StringBuilder out, String format, Object... args) {
        out.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
