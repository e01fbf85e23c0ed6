package dev.consentgate.deploy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series names of a Prometheus text exposition (format 0.0.4) and the label names each is exported with. A
 * histogram's {@code _bucket}, {@code _count} and {@code _sum} series are listed as they are exported, so a query names
 * them, not the histogram's base name, which has no series of its own.
 */
final class Exposition {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    private final Map<String, Set<String>> labelsBySeries;

    private Exposition(Map<String, Set<String>> labelsBySeries) {
        this.labelsBySeries = labelsBySeries;
    }

    static Exposition parse(String text) {
        Map<String, Set<String>> labels = new HashMap<>();
        text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            boolean labelled = brace >= 0 && (space < 0 || brace < space);
            String name = line.substring(0, labelled ? brace : space);
            Set<String> keys = labels.computeIfAbsent(name, n -> new TreeSet<>());
            if (labelled) {
                Matcher matcher = LABEL.matcher(line.substring(brace + 1, line.lastIndexOf('}')));
                while (matcher.find()) {
                    keys.add(matcher.group(1));
                }
            }
        });
        return new Exposition(labels);
    }

    /** This exposition's series and {@code other}'s, as if scraped together; a series in both has the labels of both. */
    Exposition and(Exposition other) {
        Map<String, Set<String>> labels = new HashMap<>();
        labelsBySeries.forEach((name, keys) -> labels.put(name, new TreeSet<>(keys)));
        other.labelsBySeries.forEach((name, keys) -> labels.computeIfAbsent(name, n -> new TreeSet<>()).addAll(keys));
        return new Exposition(labels);
    }

    /** The label names of the series {@code name}, or empty if no series has that name. */
    Optional<Set<String>> labels(String name) {
        return Optional.ofNullable(labelsBySeries.get(name));
    }
}
