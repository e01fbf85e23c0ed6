package dev.consentgate.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What queries name that an exposition does not export: a metric, or a label of a metric. */
final class SeriesCheck {

    private SeriesCheck() {
    }

    /**
     * One line per selector that names a series the exposition does not have, or a label that series is not exported
     * with; series in {@code recorded} (made by recording rules) are not looked for.
     */
    static List<String> problems(Collection<String> expressions, Exposition exposition, Set<String> recorded) {
        List<String> problems = new ArrayList<>();
        for (String expression : expressions) {
            for (PromQl.Selector selector : PromQl.selectors(expression)) {
                if (recorded.contains(selector.metric())) {
                    continue;
                }
                exposition.labels(selector.metric()).ifPresentOrElse(exported -> {
                    Set<String> missing = new TreeSet<>(selector.labels());
                    missing.removeAll(exported);
                    if (!missing.isEmpty()) {
                        problems.add(selector.metric() + " has no label " + String.join(", ", missing));
                    }
                }, () -> problems.add(selector.metric() + " is not exported"));
            }
        }
        return problems;
    }

    /** The metric names the expressions select, recorded series included. */
    static Set<String> metrics(Collection<String> expressions) {
        Set<String> names = new TreeSet<>();
        expressions.forEach(e -> PromQl.selectors(e).forEach(s -> names.add(s.metric())));
        return names;
    }
}
