package dev.consentgate.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads values out of SnakeYAML's composed node tree, reporting a wrong shape as a problem at a
 * line instead of throwing. The node tree (rather than SnakeYAML's Java objects) is used because it
 * keeps line numbers and duplicate keys.
 *
 * <p>{@code what} arguments name the value in messages: "topic in input crm.contacts".
 */
final class YamlNodes {

    /** A text entry of a list, with its own line so a problem points at the entry. */
    record Item(String text, int line) {
    }

    /** The spellings YAML 1.1 (SnakeYAML's dialect) reads as true. */
    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "on");

    private YamlNodes() {
    }

    /** The 1-based line where {@code node} starts. */
    static int lineOf(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /** True for a value left out ({@code key:} alone) or spelled {@code ~} / {@code null}. */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    /** How a node looks, for "expected X, found Y" messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isNull(node) ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** A non-blank text value. Numbers and dates are taken as written, so {@code version: 2026.1} is fine. */
    static Optional<String> text(Node node, int line, String what, ProblemCollector problems) {
        if (!(node instanceof ScalarNode scalar) || isNull(node)) {
            problems.add(line, what + " must be a text value, found " + describe(node));
            return Optional.empty();
        }
        if (scalar.getValue().isBlank()) {
            problems.add(line, what + " must not be empty");
            return Optional.empty();
        }
        return Optional.of(scalar.getValue());
    }

    static Optional<Boolean> bool(Node node, int line, String what, ProblemCollector problems) {
        if (node instanceof ScalarNode scalar && Tag.BOOL.equals(scalar.getTag())) {
            return Optional.of(TRUE_WORDS.contains(scalar.getValue().toLowerCase(Locale.ROOT)));
        }
        problems.add(line, what + " must be true or false, found " + describe(node));
        return Optional.empty();
    }

    /** An enum constant spelled as its policy word ({@code legitimate_interest}). */
    static <E extends Enum<E>> Optional<E> word(
            Node node, int line, Class<E> type, String noun, String where, ProblemCollector problems) {
        Optional<String> text = text(node, line, noun + where, problems);
        Optional<E> value = text.flatMap(t -> PolicyWords.parse(type, t));
        if (text.isPresent() && value.isEmpty()) {
            problems.add(line, "unknown " + noun + " '" + text.get() + "'" + where
                    + ": expected one of " + PolicyWords.allowed(type));
        }
        return value;
    }

    /** A list of text entries; a value left out counts as an empty list. */
    static Optional<List<Item>> items(Node node, int line, String what, ProblemCollector problems) {
        if (isNull(node)) {
            return Optional.of(List.of());
        }
        if (!(node instanceof SequenceNode sequence)) {
            problems.add(line, what + " must be a list, found " + describe(node));
            return Optional.empty();
        }
        int before = problems.count();
        List<Item> items = new ArrayList<>();
        for (Node entry : sequence.getValue()) {
            text(entry, lineOf(entry), "an entry of " + what, problems)
                    .ifPresent(text -> items.add(new Item(text, lineOf(entry))));
        }
        return problems.count() == before ? Optional.of(items) : Optional.empty();
    }

    /**
     * Parses a text with a model factory such as {@link Purpose#of}, reporting the factory's own
     * message when it rejects the text.
     */
    static <T> Optional<T> parse(String text, int line, Function<String, T> factory, ProblemCollector problems) {
        try {
            return Optional.of(factory.apply(text));
        } catch (IllegalArgumentException e) {
            problems.add(line, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Parses every entry of a list with a model factory, reporting invalid and repeated entries.
     *
     * @return each parsed value with its line, in file order; empty when any entry was wrong
     */
    static <T> Optional<Map<T, Integer>> parseDistinct(
            List<Item> items, Function<String, T> factory, String what, ProblemCollector problems) {
        int before = problems.count();
        Map<T, Integer> lines = new LinkedHashMap<>();
        for (Item item : items) {
            parse(item.text(), item.line(), factory, problems).ifPresent(value -> {
                Integer first = lines.putIfAbsent(value, item.line());
                if (first != null) {
                    problems.add(item.line(), "duplicate entry " + value + " in " + what + " (first at line " + first + ")");
                }
            });
        }
        return problems.count() == before ? Optional.of(lines) : Optional.empty();
    }
}
