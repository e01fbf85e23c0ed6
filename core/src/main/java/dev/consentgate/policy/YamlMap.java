package dev.consentgate.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One YAML map of the policy with its keys already checked: repeated keys are reported (SnakeYAML's
 * composer keeps them, and a silently ignored second rule would be a policy nobody reviewed) and,
 * for a map with a fixed vocabulary, unknown keys too, which catches typos such as
 * {@code allow_categroies}.
 */
final class YamlMap {

    /** The message for a key given twice, from the key and the line of its first occurrence. */
    @FunctionalInterface
    interface DuplicateMessage {
        String describe(String key, int firstLine);
    }

    /** One key of the map: its text, its line and its value. */
    record Entry(String key, int line, Node value) {
    }

    private final String context;
    private final int line;
    private final Map<String, Entry> entries;
    private final ProblemCollector problems;

    private YamlMap(String context, int line, Map<String, Entry> entries, ProblemCollector problems) {
        this.context = context;
        this.line = line;
        this.entries = entries;
        this.problems = problems;
    }

    /**
     * A map whose keys are a fixed vocabulary.
     *
     * @param line    where a missing key is reported: the line of the key that holds this map
     * @param context names the map in messages: "purpose marketing"
     */
    static Optional<YamlMap> withKeys(
            Node node, int line, String context, List<String> keys, ProblemCollector problems) {
        return withAnyKeys(node, line, context, duplicateKey(context), problems)
                .map(map -> map.withoutUnknownKeys(keys));
    }

    /** "duplicate key 'basis' in purpose marketing (first at line 4)" */
    static DuplicateMessage duplicateKey(String context) {
        return (key, firstLine) -> "duplicate key '" + key + "' in " + context + " (first at line " + firstLine + ")";
    }

    /** A map whose keys are data (purposes, categories, field paths) or checked by the caller. */
    static Optional<YamlMap> withAnyKeys(
            Node node, int line, String context, DuplicateMessage duplicate, ProblemCollector problems) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (YamlNodes.isNull(node)) {
            return Optional.of(new YamlMap(context, line, entries, problems));
        }
        if (!(node instanceof MappingNode mapping)) {
            problems.add(line, context + " must be a map, found " + YamlNodes.describe(node));
            return Optional.empty();
        }
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int keyLine = YamlNodes.lineOf(keyNode);
            if (!(keyNode instanceof ScalarNode scalar) || YamlNodes.isNull(keyNode)) {
                problems.add(keyLine, "keys in " + context + " must be text, found " + YamlNodes.describe(keyNode));
                continue;
            }
            Entry first = entries.putIfAbsent(scalar.getValue(), new Entry(scalar.getValue(), keyLine, tuple.getValueNode()));
            if (first != null) {
                problems.add(keyLine, duplicate.describe(scalar.getValue(), first.line()));
            }
        }
        return Optional.of(new YamlMap(context, line, entries, problems));
    }

    private YamlMap withoutUnknownKeys(List<String> keys) {
        for (Entry entry : List.copyOf(entries.values())) {
            if (!keys.contains(entry.key())) {
                problems.add(entry.line(), "unknown key '" + entry.key() + "' in " + context
                        + ": expected one of " + String.join(", ", keys));
                entries.remove(entry.key());
            }
        }
        return this;
    }

    String context() {
        return context;
    }

    int line() {
        return line;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    Collection<Entry> entries() {
        return List.copyOf(entries.values());
    }

    Optional<Entry> entry(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The entry, or a "missing required key" problem at this map's line. */
    Optional<Entry> required(String key) {
        Optional<Entry> entry = entry(key);
        if (entry.isEmpty()) {
            problems.add(line, "missing required key '" + key + "' in " + context);
        }
        return entry;
    }

    Optional<String> requiredText(String key) {
        return required(key).flatMap(e -> YamlNodes.text(e.value(), e.line(), describe(e), problems));
    }

    Optional<Boolean> bool(String key) {
        return entry(key).flatMap(e -> YamlNodes.bool(e.value(), e.line(), describe(e), problems));
    }

    /**
     * The list under {@code key}, each entry parsed with a model factory such as {@link Purpose#of}.
     *
     * @return each value with its line, in file order; empty when the key is absent or anything in it is wrong
     */
    <T> Optional<Map<T, Integer>> parsedItems(String key, Function<String, T> factory) {
        return entry(key).flatMap(e -> YamlNodes.items(e.value(), e.line(), describe(e), problems)
                .flatMap(items -> YamlNodes.parseDistinct(items, factory, describe(e), problems)));
    }

    /** "topic in input crm.contacts": how messages name an entry's value. */
    String describe(Entry entry) {
        return entry.key() + " in " + context;
    }

    /** The entries of a list of maps (inputs); a value left out counts as an empty list. */
    Optional<List<Node>> nodes(Entry entry) {
        if (YamlNodes.isNull(entry.value())) {
            return Optional.of(List.of());
        }
        if (!(entry.value() instanceof SequenceNode sequence)) {
            problems.add(entry.line(), describe(entry) + " must be a list, found " + YamlNodes.describe(entry.value()));
            return Optional.empty();
        }
        return Optional.of(List.copyOf(sequence.getValue()));
    }
}
