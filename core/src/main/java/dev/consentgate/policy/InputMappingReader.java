package dev.consentgate.policy;

import dev.consentgate.policy.ValueSourceReader.Slot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads the {@code inputs} section: how to find the envelope of each CRM input topic's records. */
final class InputMappingReader {

    private static final List<String> KEYS = List.of("topic", "customer_id", "purposes", "event_time", "event_id",
            "jurisdiction", "keyed_by_customer_id", "categories", "allowed_purposes", "pass_headers", "signals");
    private static final List<String> SIGNAL_KINDS = List.of("tcf", "gpp", "gpc");

    private final Set<Purpose> rulePurposes;
    private final boolean signalsMapped;
    private final ProblemCollector problems;
    private final Map<String, Integer> topicLines = new HashMap<>();

    private InputMappingReader(Set<Purpose> rulePurposes, boolean signalsMapped, ProblemCollector problems) {
        this.rulePurposes = rulePurposes;
        this.signalsMapped = signalsMapped;
        this.problems = problems;
    }

    /**
     * @param rulePurposes  the purposes the policy has rules for, to check each input's allowed purposes against
     * @param signalsMapped whether the policy has a {@code signals} section, which an input's signals need
     */
    static List<InputMapping> read(YamlMap.Entry section, YamlMap policy, Set<Purpose> rulePurposes, boolean signalsMapped,
                                   ProblemCollector problems) {
        return new InputMappingReader(rulePurposes, signalsMapped, problems).read(section, policy);
    }

    private List<InputMapping> read(YamlMap.Entry section, YamlMap policy) {
        List<InputMapping> inputs = new ArrayList<>();
        policy.nodes(section).ifPresent(items -> {
            if (items.isEmpty()) {
                problems.add(section.line(), "inputs must list at least one input");
            }
            for (int i = 0; i < items.size(); i++) {
                readInput(items.get(i), i + 1).ifPresent(inputs::add);
            }
        });
        return inputs;
    }

    /** The mapping, or empty when anything in it was wrong (the problems are reported). */
    private Optional<InputMapping> readInput(Node node, int number) {
        int problemsBefore = problems.count();
        String name = "input " + topicOf(node).orElse("#" + number);
        Optional<YamlMap> found = YamlMap.withKeys(node, YamlNodes.lineOf(node), name, KEYS, problems);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        YamlMap input = found.get();
        Optional<String> topic = readTopic(input);
        Optional<ValueSource> customerId = input.required(Slot.CUSTOMER_ID.key)
                .flatMap(entry -> ValueSourceReader.read(entry, Slot.CUSTOMER_ID, name, problems));
        Optional<ValueSource> purposes = input.required(Slot.PURPOSES.key)
                .flatMap(entry -> ValueSourceReader.read(entry, Slot.PURPOSES, name, problems));
        ValueSource eventTime = optionalSource(input, Slot.EVENT_TIME, name).orElse(ValueSource.timestamp());
        Optional<ValueSource> eventId = optionalSource(input, Slot.EVENT_ID, name);
        Optional<ValueSource> jurisdiction = optionalSource(input, Slot.JURISDICTION, name);
        // A customer id read from the key means the key is the customer id: no repartition needed.
        boolean keyedByCustomerId = input.bool("keyed_by_customer_id")
                .orElse(customerId.map(source -> source.kind() == ValueSource.Kind.KEY).orElse(false));
        Map<String, DataCategory> categories = readCategories(input, name);
        Optional<Set<Purpose>> allowedPurposes = readAllowedPurposes(input, name);
        Optional<Map<String, Integer>> passHeaderLines = input.parsedItems("pass_headers", header -> header);
        Set<String> passHeaders = passHeaderLines.map(Map::keySet).orElse(Set.of());
        customerId.filter(source -> source.kind() == ValueSource.Kind.HEADER && passHeaders.contains(source.name()))
                .ifPresent(source -> problems.add(passHeaderLines.get().get(source.name()), "pass_headers of " + name + " lists "
                        + source.name() + ", the header its customer id is read from: every purpose would get the id in the clear, "
                        + "also one that gets only its hash as the record key; remove it from pass_headers"));
        SignalSources signals = input.entry("signals").map(entry -> readSignals(entry, name)).orElse(SignalSources.NONE);
        if (customerId.isPresent() && eventId.isPresent()) {
            rejectEventIdFromCustomerId(input, customerId.get(), eventId.get(), keyedByCustomerId, name);
        }
        if (problems.count() > problemsBefore || topic.isEmpty() || customerId.isEmpty() || purposes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new InputMapping(topic.get(), customerId.get(), purposes.get(), eventTime, eventId,
                jurisdiction, keyedByCustomerId, categories, allowedPurposes, passHeaders, signals));
    }

    /**
     * Where the input's events carry signals. Without the policy's {@code signals} section nothing says what a signal
     * means, so a signal read from an event would silently state nothing: that is a problem, not a default.
     */
    private SignalSources readSignals(YamlMap.Entry entry, String name) {
        if (!signalsMapped) {
            problems.add(entry.line(), "signals of " + name + " name where its events carry privacy signals, but the policy has no"
                    + " signals section to say what they mean: add one (see signals: tcf, gpp, gpc) or remove these signals");
            return SignalSources.NONE;
        }
        Optional<YamlMap> found = YamlMap.withKeys(entry.value(), entry.line(), "signals of " + name, SIGNAL_KINDS, problems);
        if (found.isEmpty()) {
            return SignalSources.NONE;
        }
        if (found.get().isEmpty()) {
            problems.add(entry.line(), "signals of " + name + " must name at least one of " + String.join(", ", SIGNAL_KINDS));
        }
        return new SignalSources(signalSource(found.get(), "tcf", Slot.TCF_SIGNAL, name),
                signalSource(found.get(), "gpp", Slot.GPP_SIGNAL, name), signalSource(found.get(), "gpc", Slot.GPC_SIGNAL, name));
    }

    private Optional<ValueSource> signalSource(YamlMap signals, String kind, Slot slot, String name) {
        return signals.entry(kind).flatMap(entry -> ValueSourceReader.read(entry, slot, name, problems));
    }

    /**
     * The event id goes into the audit record and its key in the clear: taken from where the customer id is, it would
     * put the customer id there too.
     */
    private void rejectEventIdFromCustomerId(YamlMap input, ValueSource customerId, ValueSource eventId,
                                             boolean keyedByCustomerId, String name) {
        boolean keyIsCustomerId = keyedByCustomerId || customerId.kind() == ValueSource.Kind.KEY;
        boolean sameSource = eventId.kind() == ValueSource.Kind.KEY ? keyIsCustomerId
                : eventId.kind() == customerId.kind() && eventId.name().equals(customerId.name());
        if (sameSource) {
            problems.add(input.entry(Slot.EVENT_ID.key).orElseThrow().line(), "event_id of " + name
                    + " is read from the same place as its customer id: the event id is written in the clear to the audit"
                    + " topic, so it must not be the customer id; name another field or header, or leave event_id out");
        }
    }

    /** Each allowed purpose must meet a rule, or every event declaring it would drop as an unknown purpose. */
    private Optional<Set<Purpose>> readAllowedPurposes(YamlMap input, String name) {
        Optional<Map<Purpose, Integer>> allowed = input.parsedItems("allowed_purposes", Purpose::of);
        allowed.ifPresent(purposes -> purposes.forEach((purpose, line) -> {
            boolean meetsRule = rulePurposes.stream().anyMatch(rule -> rule.covers(purpose) || purpose.covers(rule));
            if (!meetsRule) {
                problems.add(line, "allowed purpose " + purpose + " of " + name + " has no purpose rule above or below it");
            }
        }));
        return allowed.map(Map::keySet);
    }

    /** The topic as written, to name the input in messages before its map is read. */
    private static Optional<String> topicOf(Node node) {
        if (!(node instanceof MappingNode mapping)) {
            return Optional.empty();
        }
        return mapping.getValue().stream()
                .filter(tuple -> tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals("topic"))
                .map(tuple -> tuple.getValueNode())
                .filter(value -> value instanceof ScalarNode && !YamlNodes.isNull(value))
                .map(value -> ((ScalarNode) value).getValue())
                .findFirst();
    }

    private Optional<String> readTopic(YamlMap input) {
        return input.required("topic").flatMap(entry -> {
            Optional<String> topic = TopicNames.read(input, entry, problems);
            topic.ifPresent(text -> rejectRepeatedTopic(text, entry.line()));
            return topic;
        });
    }

    /** One mapping per topic: two would make every record's envelope ambiguous. */
    private void rejectRepeatedTopic(String topic, int line) {
        Integer first = topicLines.putIfAbsent(topic, line);
        if (first != null) {
            problems.add(line, "duplicate input topic " + topic + " (first at line " + first + ")");
        }
    }

    private Optional<ValueSource> optionalSource(YamlMap input, Slot slot, String name) {
        return input.entry(slot.key).flatMap(entry -> ValueSourceReader.read(entry, slot, name, problems));
    }

    private Map<String, DataCategory> readCategories(YamlMap input, String name) {
        Map<String, DataCategory> categories = new LinkedHashMap<>();
        String context = "categories of " + name;
        YamlMap.DuplicateMessage duplicate = (key, firstLine) ->
                "duplicate field " + key + " in " + context + " (first at line " + firstLine + ")";
        input.entry("categories")
                .flatMap(entry -> YamlMap.withAnyKeys(entry.value(), entry.line(), context, duplicate, problems))
                .ifPresent(map -> map.entries().forEach(entry -> {
                    Optional<String> field = ValueSourceReader.fieldPath(entry.key(), entry.line(), context, problems);
                    Optional<DataCategory> category = YamlNodes.text(entry.value(), entry.line(), "category of field "
                                    + entry.key() + " in " + name, problems)
                            .flatMap(text -> YamlNodes.parse(text, entry.line(), DataCategory::of, problems));
                    field.ifPresent(f -> category.ifPresent(c -> categories.put(f, c)));
                }));
        return categories;
    }
}
