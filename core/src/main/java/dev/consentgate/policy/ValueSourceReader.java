package dev.consentgate.policy;

import dev.consentgate.policy.ValueSource.Kind;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads a value source such as {@code { field: customerId }}: exactly one kind, and one that fits its slot. */
final class ValueSourceReader {

    /** The envelope values an input mapping reads, each with the kinds of source that make sense for it. */
    enum Slot {
        CUSTOMER_ID("customer_id", Kind.FIELD, Kind.HEADER, Kind.KEY),
        PURPOSES("purposes", Kind.FIELD, Kind.HEADER, Kind.FIXED),
        EVENT_TIME("event_time", Kind.FIELD, Kind.HEADER, Kind.TIMESTAMP),
        EVENT_ID("event_id", Kind.FIELD, Kind.HEADER, Kind.KEY),
        JURISDICTION("jurisdiction", Kind.FIELD, Kind.HEADER),
        TCF_SIGNAL("signals.tcf", Kind.FIELD, Kind.HEADER),
        GPP_SIGNAL("signals.gpp", Kind.FIELD, Kind.HEADER),
        GPC_SIGNAL("signals.gpc", Kind.FIELD, Kind.HEADER);

        final String key;
        private final List<Kind> kinds;

        Slot(String key, Kind... kinds) {
            this.key = key;
            this.kinds = List.of(kinds);
        }

        private String allowedWords() {
            return kinds.stream().map(PolicyWords::word).collect(Collectors.joining(", "));
        }
    }

    /** Avro field names, dotted for a field of a nested record. */
    private static final Pattern FIELD_PATH = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private final String name;
    private final ProblemCollector problems;

    private ValueSourceReader(String name, ProblemCollector problems) {
        this.name = name;
        this.problems = problems;
    }

    /** The source under {@code entry}, or empty when it is wrong (the problems are reported). */
    static Optional<ValueSource> read(YamlMap.Entry entry, Slot slot, String inputName, ProblemCollector problems) {
        return new ValueSourceReader(slot.key + " of " + inputName, problems).read(entry, slot);
    }

    /** The path if it is a dotted path of field names, else empty and a problem saying {@code where} it is. */
    static Optional<String> fieldPath(String path, int line, String where, ProblemCollector problems) {
        if (FIELD_PATH.matcher(path).matches()) {
            return Optional.of(path);
        }
        problems.add(line, "'" + path + "' in " + where + " is not a field path: field names joined by dots, e.g. customer.email");
        return Optional.empty();
    }

    private Optional<ValueSource> read(YamlMap.Entry entry, Slot slot) {
        // The keys are checked here rather than by YamlMap, to tell a misplaced kind from a typo.
        Optional<YamlMap> found = YamlMap.withAnyKeys(entry.value(), entry.line(), name, YamlMap.duplicateKey(name), problems);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlMap source = found.get();
        List<YamlMap.Entry> kinds = source.entries().stream().filter(e -> isKindFor(e, slot)).toList();
        if (source.isEmpty()) {
            problems.add(source.line(), name + " must name one of " + slot.allowedWords());
        } else if (kinds.size() > 1) {
            problems.add(source.line(), name + " must have exactly one of " + slot.allowedWords() + ", found "
                    + kinds.stream().map(YamlMap.Entry::key).collect(Collectors.joining(" and ")));
        }
        return kinds.size() == 1 ? readKind(kinds.get(0), source) : Optional.empty();
    }

    /** True when the entry names a kind allowed in this slot; reports unknown and misplaced kinds. */
    private boolean isKindFor(YamlMap.Entry entry, Slot slot) {
        Optional<Kind> kind = PolicyWords.parse(Kind.class, entry.key());
        if (kind.isEmpty()) {
            problems.add(entry.line(), "unknown key '" + entry.key() + "' in " + name
                    + ": expected one of " + slot.allowedWords());
        } else if (!slot.kinds.contains(kind.get())) {
            problems.add(entry.line(), entry.key() + " is not allowed for " + name
                    + ": expected one of " + slot.allowedWords());
        }
        return kind.filter(slot.kinds::contains).isPresent();
    }

    private Optional<ValueSource> readKind(YamlMap.Entry entry, YamlMap source) {
        String what = source.describe(entry);
        Kind kind = PolicyWords.parse(Kind.class, entry.key()).orElseThrow();
        return switch (kind) {
            case FIELD -> YamlNodes.text(entry.value(), entry.line(), what, problems)
                    .flatMap(path -> fieldPath(path, entry.line(), name, problems))
                    .map(ValueSource::field);
            case HEADER -> YamlNodes.text(entry.value(), entry.line(), what, problems).map(ValueSource::header);
            case KEY -> onlyTrue(entry, what).map(yes -> ValueSource.key());
            case TIMESTAMP -> onlyTrue(entry, what).map(yes -> ValueSource.timestamp());
            case FIXED -> readFixedPurposes(entry, what);
        };
    }

    /** {@code key} and {@code timestamp} are switches with one position: {@code false} would name no source at all. */
    private Optional<Boolean> onlyTrue(YamlMap.Entry entry, String what) {
        Optional<Boolean> value = YamlNodes.bool(entry.value(), entry.line(), what, problems);
        if (value.equals(Optional.of(false))) {
            problems.add(entry.line(), entry.key() + ": false is not allowed in " + name
                    + ": write " + entry.key() + ": true, or name a field or header instead");
            return Optional.empty();
        }
        return value;
    }

    private Optional<ValueSource> readFixedPurposes(YamlMap.Entry entry, String what) {
        Optional<List<YamlNodes.Item>> items = YamlNodes.items(entry.value(), entry.line(), what, problems);
        if (items.filter(List::isEmpty).isPresent()) {
            problems.add(entry.line(), what + " must list at least one purpose");
            return Optional.empty();
        }
        return items.flatMap(list -> YamlNodes.parseDistinct(list, Purpose::of, what, problems))
                .map(purposes -> ValueSource.fixed(purposes.keySet().stream().map(Purpose::key).toList()));
    }
}
