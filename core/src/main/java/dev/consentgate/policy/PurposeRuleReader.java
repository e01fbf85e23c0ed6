package dev.consentgate.policy;

import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the {@code purposes} section: one rule per purpose key, each checked on its own and against the others. */
final class PurposeRuleReader {

    /** The purposes read: rules of the valid ones, and every well-formed purpose key even if its rule is not. */
    record Result(Map<Purpose, PurposeRule> rules, Set<Purpose> declared) {
    }

    private static final List<String> KEYS =
            List.of("basis", "on_missing_consent", "allow_categories", "deny_categories", "redact", "encrypt_categories", "topic", "review");

    /** Bases that never consult consent, so an on_missing_consent for them could never apply. */
    private static final Set<LegalBasis> ALWAYS_PERMITTED = EnumSet.of(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION);

    private final String topicPrefix;
    private final ProblemCollector problems;

    private PurposeRuleReader(String topicPrefix, ProblemCollector problems) {
        this.topicPrefix = topicPrefix;
        this.problems = problems;
    }

    static Result read(YamlMap.Entry section, String topicPrefix, ProblemCollector problems) {
        return new PurposeRuleReader(topicPrefix, problems).read(section);
    }

    private Result read(YamlMap.Entry section) {
        Map<Purpose, PurposeRule> rules = new LinkedHashMap<>();
        Set<Purpose> declared = new LinkedHashSet<>();
        YamlMap.DuplicateMessage overlapping = (key, firstLine) ->
                "overlapping purpose rules: purpose " + key + " is defined twice (first at line " + firstLine + ")";
        YamlMap.withAnyKeys(section.value(), section.line(), "purposes", overlapping, problems).ifPresent(purposes -> {
            if (purposes.isEmpty()) {
                problems.add(section.line(), "purposes must define at least one purpose rule");
            }
            for (YamlMap.Entry entry : purposes.entries()) {
                Optional<Purpose> purpose = YamlNodes.parse(entry.key(), entry.line(), Purpose::of, problems);
                purpose.ifPresent(declared::add);
                readRule(entry, purpose).ifPresent(rule -> rules.put(rule.purpose(), rule));
            }
        });
        rejectSharedTopics(rules.values());
        return new Result(rules, declared);
    }

    /** The rule, or empty when anything in it was wrong (the problems are reported). */
    private Optional<PurposeRule> readRule(YamlMap.Entry entry, Optional<Purpose> purpose) {
        int problemsBefore = problems.count();
        String name = "purpose " + entry.key();
        Optional<YamlMap> found = YamlMap.withKeys(entry.value(), entry.line(), name, KEYS, problems);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlMap rule = found.get();
        Optional<LegalBasis> basis = rule.required("basis").flatMap(e ->
                YamlNodes.word(e.value(), e.line(), LegalBasis.class, "basis", " for " + name, problems));
        MissingConsentAction onMissingConsent = readOnMissingConsent(rule, basis, name);
        Optional<Map<DataCategory, Integer>> allowed = rule.parsedItems("allow_categories", DataCategory::of);
        requireAllowList(rule, entry, name);
        Map<DataCategory, Integer> denied = rule.parsedItems("deny_categories", DataCategory::of).orElse(Map.of());
        allowed.ifPresent(allow -> rejectAllowedButDenied(allow, denied, name));
        Map<DataCategory, RedactionAction> redact = readRedact(rule, name);
        Map<DataCategory, Integer> encrypted = rule.parsedItems("encrypt_categories", DataCategory::of).orElse(Map.of());
        allowed.ifPresent(allow -> rejectEncryptedButNotAllowed(encrypted, allow.keySet(), denied.keySet(), name));
        String topic = readTopic(rule, entry.key());
        ReviewRequirement review = rule.entry("review").flatMap(e -> YamlNodes.word(e.value(), e.line(), ReviewRequirement.class,
                "review", " for " + name, problems)).orElse(ReviewRequirement.NONE);
        if (problems.count() > problemsBefore || purpose.isEmpty() || basis.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PurposeRule(purpose.get(), basis.get(), onMissingConsent,
                allowed.orElseThrow().keySet(), denied.keySet(), redact, encrypted.keySet(), topic, review, entry.line()));
    }

    /** Default deny: a purpose sees only the categories its rule names, so a rule that names none is a mistake. */
    private void requireAllowList(YamlMap rule, YamlMap.Entry entry, String name) {
        if (rule.entry("allow_categories").isEmpty()) {
            problems.add(entry.line(), name + " has no allow_categories: every purpose must list the data categories it may"
                    + " see, e.g. allow_categories: [user.contact.email, system.operations], or [user, system] to keep every field");
        }
    }

    private MissingConsentAction readOnMissingConsent(YamlMap rule, Optional<LegalBasis> basis, String name) {
        Optional<YamlMap.Entry> entry = rule.entry("on_missing_consent");
        if (entry.isEmpty()) {
            return MissingConsentAction.DROP;
        }
        basis.filter(ALWAYS_PERMITTED::contains).ifPresent(always -> problems.add(entry.get().line(),
                "on_missing_consent is not allowed for " + name + ": basis " + PolicyWords.word(always)
                        + " is always permitted, so it would never apply"));
        return YamlNodes.word(entry.get().value(), entry.get().line(), MissingConsentAction.class,
                "on_missing_consent", " for " + name, problems).orElse(MissingConsentAction.DROP);
    }

    /** An allowed category that a denied one covers could never pass: the rule says two things at once. */
    private void rejectAllowedButDenied(Map<DataCategory, Integer> allowed, Map<DataCategory, Integer> denied, String name) {
        allowed.forEach((category, line) -> category.mostSpecificCoveringIn(denied.keySet()).ifPresent(denier ->
                problems.add(line, denier.equals(category)
                        ? "overlapping category rules: " + category + " is both allowed and denied in " + name
                        : "overlapping category rules: allowed category " + category + " in " + name
                                + " is covered by denied category " + denier + ", so it could never pass")));
    }

    /** A category to encrypt that the purpose may not see is removed anyway: the rule would promise what it never does. */
    private void rejectEncryptedButNotAllowed(Map<DataCategory, Integer> encrypted, Set<DataCategory> allowed, Set<DataCategory> denied,
                                              String name) {
        encrypted.forEach((category, line) -> {
            if (!category.isCoveredByAny(allowed) || category.isCoveredByAny(denied)) {
                problems.add(line, "encrypt_categories of " + name + " lists " + category
                        + ", which the purpose may not see: its fields are removed, never encrypted; allow it or leave it out");
            }
        });
    }

    private Map<DataCategory, RedactionAction> readRedact(YamlMap rule, String name) {
        Map<DataCategory, RedactionAction> actions = new LinkedHashMap<>();
        String context = "redact of " + name;
        YamlMap.DuplicateMessage duplicate = (key, firstLine) ->
                "duplicate category " + key + " in " + context + " (first at line " + firstLine + ")";
        rule.entry("redact")
                .flatMap(entry -> YamlMap.withAnyKeys(entry.value(), entry.line(), context, duplicate, problems))
                .ifPresent(redact -> redact.entries().forEach(entry -> {
                    Optional<DataCategory> category = YamlNodes.parse(entry.key(), entry.line(), DataCategory::of, problems);
                    Optional<RedactionAction> action = YamlNodes.word(entry.value(), entry.line(), RedactionAction.class,
                            "redaction action", " for " + entry.key() + " in " + name, problems);
                    category.ifPresent(c -> action.ifPresent(a -> actions.put(c, a)));
                }));
        return actions;
    }

    private String readTopic(YamlMap rule, String purposeKey) {
        return rule.entry("topic")
                .flatMap(entry -> TopicNames.read(rule, entry, problems))
                .orElse(topicPrefix + purposeKey);
    }

    /** Purpose topics are the access boundary: two purposes on one topic would see each other's data. */
    private void rejectSharedTopics(Collection<PurposeRule> rules) {
        Map<String, PurposeRule> byTopic = new HashMap<>();
        for (PurposeRule rule : rules) {
            PurposeRule first = byTopic.putIfAbsent(rule.outputTopic(), rule);
            if (first != null) {
                problems.add(rule.line(), "purposes " + first.purpose() + " and " + rule.purpose()
                        + " share the output topic " + rule.outputTopic() + ": each purpose needs its own topic");
            }
        }
    }
}
