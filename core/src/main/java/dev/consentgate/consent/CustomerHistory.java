package dev.consentgate.consent;

import dev.consentgate.policy.ConsentChoice;
import dev.consentgate.policy.ConsentState;
import dev.consentgate.policy.JurisdictionTie;
import dev.consentgate.policy.SignalOrigin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One customer's consent statements and jurisdictions over time: the value the consent store holds per
 * customer.
 *
 * <p>What it holds depends only on the set of statements added and the latest history cut-off, never on
 * the order they were added in: a statement arriving late is placed by its capture time, of statements
 * about the same purpose at the same instant the more restrictive is in force (and a grant there lasting
 * longer is kept beside it), and pruning drops only what no time after the cut-off can see. That is what lets a restart, a restore or a replay that reads the
 * same records in another order give the same answers.
 */
final class CustomerHistory {

    /** The key of erasures, which cover every purpose. */
    static final String ERASURE = "*";

    /**
     * Of two statements about one purpose at one instant, the one in force sorts first: erasure, then a "no", then
     * a grant; a grant that lapses earlier before one that lapses later; then by the remaining fields, so the
     * choice never depends on arrival order.
     */
    static final Comparator<ConsentState> MORE_RESTRICTIVE_FIRST = Comparator
            .comparingInt((ConsentState s) -> -restrictiveness(s.status()))
            .thenComparing(ConsentState::status)
            .thenComparing(ConsentState::expiresAt, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ConsentState::jurisdiction, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ConsentState::source, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ConsentState::noticeVersion, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ConsentState::consentId, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ConsentState::signal, Comparator.nullsLast(Comparator.comparing(SignalOrigin::kind)
                    .thenComparing(SignalOrigin::value).thenComparing(SignalOrigin::meaning)));

    /** Of grants at one instant, the one that lasts longest first: without expiry, then by the latest expiry. */
    private static final Comparator<ConsentState> LASTS_LONGEST_FIRST = Comparator
            .comparing(ConsentState::expiresAt, Comparator.nullsFirst(Comparator.<Long>reverseOrder()))
            .thenComparing(MORE_RESTRICTIVE_FIRST);

    /**
     * Per purpose key (or {@link #ERASURE}), its statements in capture-time order. Per instant the one in force
     * ({@link #MORE_RESTRICTIVE_FIRST}) and, when that is a grant and another grant of the instant lasts longer, that
     * grant after it: it still holds once the one in force lapsed, and so stops the look-back of {@link #inForce}.
     */
    private final Map<String, List<ConsentState>> statements;
    /** One entry per instant with a statement, in time order; the jurisdiction it carried or null. */
    private final List<JurisdictionAt> jurisdictions;

    /** A statement's instant and the jurisdiction it carried, null for none. */
    record JurisdictionAt(long at, String jurisdiction) {
    }

    CustomerHistory() {
        this(new HashMap<>(), new ArrayList<>());
    }

    private CustomerHistory(Map<String, List<ConsentState>> statements, List<JurisdictionAt> jurisdictions) {
        this.statements = statements;
        this.jurisdictions = jurisdictions;
    }

    /**
     * Rebuilds a history from what {@link #statements()} and {@link #jurisdictions()} gave, in any order. Each statement's
     * jurisdiction joins the entry of its instant: a value stored by a build that kept one jurisdiction of a tie then reads
     * back as the tie its kept statements make. A code that only a statement it dropped or pruned carried is lost to it.
     */
    static CustomerHistory of(List<ConsentState> statements, List<JurisdictionAt> jurisdictions) {
        CustomerHistory history = new CustomerHistory();
        statements.forEach(history::placeStatement);
        jurisdictions.forEach(j -> history.placeJurisdiction(j.at(), j.jurisdiction()));
        statements.forEach(history::joinTie);
        return history;
    }

    /** Erasure over any "no" over a grant: a tie in capture time must never resolve towards processing. */
    private static int restrictiveness(ConsentChoice status) {
        return switch (status) {
            case GRANTED -> 0;
            case DENIED, WITHDRAWN -> 1;
            case ERASED -> 2;
        };
    }

    static String keyOf(ConsentState state) {
        return state.status() == ConsentChoice.ERASED ? ERASURE : state.purpose().key();
    }

    /** Adds a statement, then drops what is older than {@code cutoff} and superseded by then. */
    void add(ConsentState state, long cutoff) {
        placeStatement(state);
        placeJurisdiction(state.capturedAt(), state.jurisdiction());
        prune(cutoff);
    }

    /** The statement in force for {@code key} at {@code time}: the latest captured at or before it; null if none. */
    ConsentState at(String key, long time) {
        List<ConsentState> versions = statements.get(key);
        if (versions == null) {
            return null;
        }
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (versions.get(i).capturedAt() <= time) {
                return versions.get(startOfInstant(versions, i));
            }
        }
        return null;
    }

    /**
     * The statement in force at {@code time} for a purpose whose keys, itself first, then its ancestors, are {@code keys}:
     * the latest captured by then about one of them or about every purpose (an erasure); on a tie the more restrictive,
     * then the first of {@code keys}, the more specific.
     *
     * <p>A time-limited grant suspends a "no", it does not end it: when the statement in force is a grant lapsed by
     * {@code time}, the one in force before it decides if it is a refusal or an erasure, looking back over every grant
     * lapsed by then. A customer who opted out, then opted in for a month, is opted out after that month, not back to
     * having said nothing. A grant that still holds at {@code time}, at any instant the search reaches, ends it: a lapsed
     * grant never brings back a grant, so it is answered as it is.
     */
    ConsentState inForce(List<String> keys, long time) {
        ConsentState inForce = latest(keys, time);
        if (inForce == null || inForce.status() != ConsentChoice.GRANTED || !inForce.isExpiredAt(time)) {
            return inForce;
        }
        ConsentState refusal = new LookBack(keys).refusalBefore(inForce, time);
        return refusal != null ? refusal : inForce;
    }

    private ConsentState latest(List<String> keys, long time) {
        ConsentState inForce = null;
        for (String key : keys) {
            inForce = prevailing(inForce, at(key, time));
        }
        return prevailing(inForce, at(ERASURE, time));
    }

    /**
     * The walk of {@link #inForce} back from a lapsed grant, with one cursor per key that only moves back: each statement
     * is passed once, so a lookup over many lapsed grants costs time linear in them, not quadratic.
     */
    private final class LookBack {

        /** The purpose's keys, itself first, then the erasures: the order {@link #latest} weighs them in. */
        private final List<List<ConsentState>> versions;
        /** Per key, how many of its statements lie before the instant the walk has reached. */
        private final int[] before;

        LookBack(List<String> keys) {
            versions = new ArrayList<>(keys.size() + 1);
            keys.forEach(key -> versions.add(statements.getOrDefault(key, List.of())));
            versions.add(statements.getOrDefault(ERASURE, List.of()));
            before = new int[versions.size()];
            for (int k = 0; k < before.length; k++) {
                before[k] = versions.get(k).size();
            }
        }

        /** The refusal or erasure in force before {@code lapsed}; null where a grant holding at {@code time}, or nothing, comes first. */
        ConsentState refusalBefore(ConsentState lapsed, long time) {
            long instant = lapsed.capturedAt();
            while (!passGrantHolding(instant, time)) {
                ConsentState previous = null;
                for (int k = 0; k < before.length; k++) {
                    List<ConsentState> key = versions.get(k);
                    previous = prevailing(previous, before[k] == 0 ? null : key.get(startOfInstant(key, before[k] - 1)));
                }
                if (previous == null || previous.status() != ConsentChoice.GRANTED) {
                    return previous;
                }
                if (!previous.isExpiredAt(time)) {
                    return null;
                }
                instant = previous.capturedAt();
            }
            return null;
        }

        /** Moves every cursor before {@code instant}; whether a grant captured at that instant holds at {@code time}. */
        private boolean passGrantHolding(long instant, long time) {
            boolean holds = false;
            for (int k = 0; k < before.length; k++) {
                List<ConsentState> key = versions.get(k);
                while (before[k] > 0 && key.get(before[k] - 1).capturedAt() >= instant) {
                    ConsentState state = key.get(--before[k]);
                    holds |= state.capturedAt() == instant && state.status() == ConsentChoice.GRANTED && !state.isExpiredAt(time);
                }
            }
            return holds;
        }
    }

    /**
     * Of two statements that both cover a purpose, the one in force: the later captured; on a tie the more
     * restrictive; on a tie of that too, {@code current}, which callers find first as the more specific.
     */
    private static ConsentState prevailing(ConsentState current, ConsentState candidate) {
        if (current == null || candidate == null) {
            return current == null ? candidate : current;
        }
        if (candidate.capturedAt() != current.capturedAt()) {
            return candidate.capturedAt() > current.capturedAt() ? candidate : current;
        }
        return restrictiveness(candidate.status()) > restrictiveness(current.status()) ? candidate : current;
    }

    /** Whether the customer had made any statement at or before {@code time}. */
    boolean knownAt(long time) {
        return !jurisdictions.isEmpty() && jurisdictions.get(0).at() <= time;
    }

    /** The jurisdiction at {@code time}: the one of the latest statement by then that carried one; null if none did. */
    String jurisdictionAt(long time) {
        for (int i = jurisdictions.size() - 1; i >= 0; i--) {
            JurisdictionAt entry = jurisdictions.get(i);
            if (entry.at() <= time && entry.jurisdiction() != null) {
                return entry.jurisdiction();
            }
        }
        return null;
    }

    List<ConsentState> statements() {
        List<ConsentState> all = new ArrayList<>();
        statements.values().forEach(all::addAll);
        return all;
    }

    List<JurisdictionAt> jurisdictions() {
        return jurisdictions;
    }

    private void placeStatement(ConsentState state) {
        List<ConsentState> versions = statements.computeIfAbsent(keyOf(state), k -> new ArrayList<>(2));
        int end = versions.size();
        while (end > 0 && versions.get(end - 1).capturedAt() > state.capturedAt()) {
            end--;
        }
        if (end == 0 || versions.get(end - 1).capturedAt() != state.capturedAt()) {
            versions.add(end, state);
            return;
        }
        List<ConsentState> instant = versions.subList(startOfInstant(versions, end - 1), end);
        List<ConsentState> all = new ArrayList<>(instant);
        all.add(state);
        instant.clear();
        instant.addAll(kept(all));
    }

    /** Of the statements about one key at one instant, what the history keeps: see {@link #statements}. */
    private static List<ConsentState> kept(List<ConsentState> instant) {
        ConsentState inForce = instant.stream().min(MORE_RESTRICTIVE_FIRST).orElseThrow();
        if (inForce.status() != ConsentChoice.GRANTED) {
            return List.of(inForce);
        }
        ConsentState longest = instant.stream().min(LASTS_LONGEST_FIRST).orElseThrow();
        return Objects.equals(longest.expiresAt(), inForce.expiresAt()) ? List.of(inForce) : List.of(inForce, longest);
    }

    /** The index of the first statement of {@code versions} captured at the instant of the one at {@code index}. */
    private static int startOfInstant(List<ConsentState> versions, int index) {
        int start = index;
        while (start > 0 && versions.get(start - 1).capturedAt() == versions.get(index).capturedAt()) {
            start--;
        }
        return start;
    }

    /**
     * At one instant a jurisdiction beats none, and two different ones make a {@link JurisdictionTie}: the customer stands
     * under both, whichever arrived first, so neither order nor spelling moves a purpose to opt-out.
     */
    private void placeJurisdiction(long at, String jurisdiction) {
        int i = jurisdictions.size();
        while (i > 0 && jurisdictions.get(i - 1).at() > at) {
            i--;
        }
        if (i > 0 && jurisdictions.get(i - 1).at() == at) {
            String present = jurisdictions.get(i - 1).jurisdiction();
            String tied = JurisdictionTie.of(present, jurisdiction);
            if (!Objects.equals(tied, present)) {
                jurisdictions.set(i - 1, new JurisdictionAt(at, tied));
            }
            return;
        }
        jurisdictions.add(i, new JurisdictionAt(at, jurisdiction));
    }

    /** Adds the statement's jurisdiction to the entry of its instant, if there is one; pruning may have removed it. */
    private void joinTie(ConsentState state) {
        for (int i = 0; i < jurisdictions.size(); i++) {
            JurisdictionAt entry = jurisdictions.get(i);
            if (entry.at() == state.capturedAt()) {
                placeJurisdiction(entry.at(), state.jurisdiction());
                return;
            }
        }
    }

    /**
     * Drops each version that no time from the cut-off on can see. Of the jurisdictions, keeps every entry after the
     * cut-off, the last one at or before it (the customer was known then), and the last one by then that carried a
     * jurisdiction.
     */
    private void prune(long cutoff) {
        for (List<ConsentState> versions : statements.values()) {
            pruneVersions(versions, cutoff);
        }
        int lastAtCutoff = -1;
        int lastCarrying = -1;
        for (int i = 0; i < jurisdictions.size() && jurisdictions.get(i).at() <= cutoff; i++) {
            lastAtCutoff = i;
            if (jurisdictions.get(i).jurisdiction() != null) {
                lastCarrying = i;
            }
        }
        List<JurisdictionAt> kept = new ArrayList<>(jurisdictions.size());
        for (int i = 0; i < jurisdictions.size(); i++) {
            if (i > lastAtCutoff || i == lastAtCutoff || i == lastCarrying) {
                kept.add(jurisdictions.get(i));
            }
        }
        if (kept.size() < jurisdictions.size()) {
            jurisdictions.clear();
            jurisdictions.addAll(kept);
        }
    }

    /**
     * Keeps the last instant at or before {@code cutoff}, everything after it, and below it what {@link #inForce} can still
     * reach by looking back over lapsed grants: instant by instant, each whose grants could still hold after every grant
     * above it lapsed, down to the first refusal, erasure or grant without expiry, kept as the end of the chain. A grant
     * lapsed by the cut-off, or lapsing no later than one above it, is passed over at every later time, so it goes: a chain
     * of renewals stays short. Of an instant kept below the last one, only its longest grant stays.
     */
    private static void pruneVersions(List<ConsentState> versions, long cutoff) {
        int above = versions.size();
        while (above > 0 && versions.get(above - 1).capturedAt() > cutoff) {
            above--;
        }
        if (above == 0) {
            return;
        }
        above = startOfInstant(versions, above - 1);
        long longestAbove = lastsUntil(versions, above);
        if (longestAbove == Long.MAX_VALUE) {
            versions.subList(0, above).clear();
            return;
        }
        while (above > 0) {
            int start = startOfInstant(versions, above - 1);
            long lasts = lastsUntil(versions, start);
            if (lasts != Long.MAX_VALUE && (lasts <= cutoff || lasts <= longestAbove)) {
                versions.subList(start, above).clear();
            } else {
                // Only the look-back reaches it, which asks whether a grant there holds, never which one is in force: of a
                // grant in force and one lasting longer, the longer is kept, as it would be had the other never come
                versions.subList(start, above - 1).clear();
                if (lasts == Long.MAX_VALUE) {
                    versions.subList(0, start).clear();
                    return;
                }
                longestAbove = lasts;
            }
            above = start;
        }
    }

    /**
     * Until when the instant starting at {@code start} can stop a look-back: its longest grant's expiry, kept last of the
     * instant; {@link Long#MAX_VALUE} for a grant without expiry and for a refusal or an erasure, which end every chain.
     */
    private static long lastsUntil(List<ConsentState> versions, int start) {
        if (versions.get(start).status() != ConsentChoice.GRANTED) {
            return Long.MAX_VALUE;
        }
        int end = start;
        while (end + 1 < versions.size() && versions.get(end + 1).capturedAt() == versions.get(start).capturedAt()) {
            end++;
        }
        Long expiresAt = versions.get(end).expiresAt();
        return expiresAt == null ? Long.MAX_VALUE : expiresAt;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CustomerHistory that && statements.equals(that.statements) && jurisdictions.equals(that.jurisdictions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(statements, jurisdictions);
    }
}
