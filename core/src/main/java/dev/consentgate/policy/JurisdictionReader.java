package dev.consentgate.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code jurisdictions} section: which purposes each jurisdiction treats as opt-out. */
final class JurisdictionReader {

    private static final List<String> KEYS = List.of("opt_out_purposes");

    private JurisdictionReader() {
    }

    /**
     * @param declaredPurposes the purpose keys of the policy: an opt-out purpose no rule covers is
     *                         most likely a typo, and would silently change nothing
     */
    static Map<String, JurisdictionRule> read(
            YamlMap.Entry section, Set<Purpose> declaredPurposes, ProblemCollector problems) {
        Map<String, JurisdictionRule> rules = new LinkedHashMap<>();
        YamlMap.DuplicateMessage duplicate = (key, firstLine) ->
                "duplicate jurisdiction " + key + " (first at line " + firstLine + ")";
        YamlMap.withAnyKeys(section.value(), section.line(), "jurisdictions", duplicate, problems)
                .ifPresent(jurisdictions -> jurisdictions.entries().forEach(entry ->
                        readRule(entry, declaredPurposes, problems).ifPresent(rule -> rules.put(rule.code(), rule))));
        return rules;
    }

    private static Optional<JurisdictionRule> readRule(
            YamlMap.Entry entry, Set<Purpose> declaredPurposes, ProblemCollector problems) {
        int problemsBefore = problems.count();
        String code = entry.key();
        YamlNodes.parse(code, entry.line(), JurisdictionCodes::of, problems);
        String name = "jurisdiction " + code;
        Map<Purpose, Integer> optOut = YamlMap.withKeys(entry.value(), entry.line(), name, KEYS, problems)
                .flatMap(rule -> rule.parsedItems("opt_out_purposes", Purpose::of))
                .orElse(Map.of());
        optOut.forEach((purpose, line) -> {
            if (declaredPurposes.stream().noneMatch(declared -> declared.covers(purpose))) {
                problems.add(line, "opt-out purpose " + purpose + " in " + name + " is not covered by any purpose rule");
            }
        });
        return problems.count() > problemsBefore
                ? Optional.empty()
                : Optional.of(new JurisdictionRule(code, optOut.keySet()));
    }
}
