package dev.consentgate.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The series selectors of a PromQL expression: metric names and the label names of their matchers. Enough of PromQL's
 * syntax to tell a metric name from a function, an aggregation, a keyword or a grouping label: string literals, range
 * and subquery brackets, numbers and durations are skipped, and the labels listed by {@code by}, {@code without},
 * {@code on}, {@code ignoring}, {@code group_left} and {@code group_right} are not selectors.
 */
final class PromQl {

    /** One selector: {@code metric{label="..", ...}}. */
    record Selector(String metric, Set<String> labels) {
    }

    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "atan2", "inf", "nan",
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
            "limitk", "limit_ratio", "group_left", "group_right");

    private final String expr;
    private int at;

    private PromQl(String expr) {
        this.expr = expr;
    }

    /** Every selector of {@code expr}, in order of appearance. */
    static List<Selector> selectors(String expr) {
        return new PromQl(expr).parse();
    }

    private List<Selector> parse() {
        List<Selector> selectors = new ArrayList<>();
        while (at < expr.length()) {
            char c = expr.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (c == '[') {
                at = closing(']');
            } else if (c == '#') {
                at = expr.indexOf('\n', at) < 0 ? expr.length() : expr.indexOf('\n', at);
            } else if (c == '$' || Character.isDigit(c) || c == '.') {
                // A Grafana variable, a number or a duration: one word.
                at++;
                skipWord();
            } else if (c == '{') {
                throw new IllegalArgumentException("a selector without a metric name in: " + expr);
            } else if (isWordStart(c)) {
                word().ifPresent(selectors::add);
            } else {
                at++;
            }
        }
        return selectors;
    }

    private java.util.Optional<Selector> word() {
        int start = at;
        skipWord();
        String word = expr.substring(start, at);
        int next = nextNonSpace(at);
        boolean call = next < expr.length() && expr.charAt(next) == '(';
        if (GROUPING.contains(word) && call) {
            at = next;
            at = closing(')');
            return java.util.Optional.empty();
        }
        if (KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT)) || call) {
            return java.util.Optional.empty();
        }
        Set<String> labels = new TreeSet<>();
        if (next < expr.length() && expr.charAt(next) == '{') {
            at = next + 1;
            matchers(labels);
        }
        return java.util.Optional.of(new Selector(word, labels));
    }

    /** Reads {@code name op "value"} matchers up to and past the closing brace. */
    private void matchers(Set<String> labels) {
        while (true) {
            at = nextNonSpace(at);
            char c = expr.charAt(at);
            if (c == '}') {
                at++;
                return;
            }
            if (c == ',') {
                at++;
                continue;
            }
            int start = at;
            skipWord();
            if (start == at) {
                throw new IllegalArgumentException("a label name expected at " + start + " in: " + expr);
            }
            labels.add(expr.substring(start, at));
            at = nextNonSpace(at);
            while ("=!~".indexOf(expr.charAt(at)) >= 0) {
                at++;
            }
            at = nextNonSpace(at);
            skipString();
        }
    }

    private void skipString() {
        char quote = expr.charAt(at);
        if (quote != '"' && quote != '\'' && quote != '`') {
            throw new IllegalArgumentException("a string expected at " + at + " in: " + expr);
        }
        at++;
        while (expr.charAt(at) != quote) {
            at += expr.charAt(at) == '\\' && quote != '`' ? 2 : 1;
        }
        at++;
    }

    /** The position after the bracket that closes the one at {@code at}; brackets of one kind do not nest here. */
    private int closing(char close) {
        int end = expr.indexOf(close, at);
        if (end < 0) {
            throw new IllegalArgumentException("no '" + close + "' after " + at + " in: " + expr);
        }
        return end + 1;
    }

    private void skipWord() {
        while (at < expr.length() && (isWordStart(expr.charAt(at)) || Character.isDigit(expr.charAt(at)))) {
            at++;
        }
    }

    private int nextNonSpace(int from) {
        int i = from;
        while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isWordStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }
}
