package dev.consentgate.policy;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the {@code signals} section: which purposes TCF, GPP and GPC signals speak for. */
final class SignalMappingReader {

    private static final List<String> SECTIONS = List.of("tcf", "gpp", "gpc");
    private static final List<String> TCF_KEYS = List.of("vendor_id", "purposes", "special_features");
    private static final List<String> GPC_KEYS = List.of("honoured_in", "elsewhere");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}");

    private SignalMappingReader() {
    }

    /**
     * @param declaredPurposes the purpose keys of the policy: a signal mapped to a purpose no rule covers would
     *                         silently decide nothing
     */
    static Optional<SignalMapping> read(YamlMap.Entry section, Set<Purpose> declaredPurposes, ProblemCollector problems) {
        int before = problems.count();
        Optional<YamlMap> signals = YamlMap.withKeys(section.value(), section.line(), "signals", SECTIONS, problems);
        if (signals.isEmpty()) {
            return Optional.empty();
        }
        Optional<TcfMapping> tcf = signals.get().entry("tcf").flatMap(entry -> readTcf(entry, declaredPurposes, problems));
        Map<String, Map<UsOptOut, Set<Purpose>>> gpp = signals.get().entry("gpp")
                .map(entry -> readGpp(entry, declaredPurposes, problems)).orElse(Map.of());
        GpcMapping gpc = signals.get().entry("gpc").map(entry -> readGpc(entry, declaredPurposes, problems)).orElse(GpcMapping.BY_LAW);
        return problems.count() > before ? Optional.empty() : Optional.of(new SignalMapping(tcf, gpp, gpc));
    }

    private static Optional<TcfMapping> readTcf(YamlMap.Entry entry, Set<Purpose> declaredPurposes, ProblemCollector problems) {
        Optional<YamlMap> tcf = YamlMap.withKeys(entry.value(), entry.line(), "signals.tcf", TCF_KEYS, problems);
        if (tcf.isEmpty()) {
            return Optional.empty();
        }
        Optional<Integer> vendorId = tcf.get().required("vendor_id").flatMap(e -> vendorId(e, problems));
        Map<Integer, Set<Purpose>> purposes = tcf.get().entry("purposes")
                .map(e -> numbered(e, "purpose", TcfMapping.PURPOSES, "signals.tcf.purposes", declaredPurposes, problems))
                .orElse(Map.of());
        Map<Integer, Set<Purpose>> features = tcf.get().entry("special_features")
                .map(e -> numbered(e, "special feature", TcfMapping.SPECIAL_FEATURES, "signals.tcf.special_features",
                        declaredPurposes, problems))
                .orElse(Map.of());
        return vendorId.map(id -> new TcfMapping(id, purposes, features));
    }

    private static Optional<Integer> vendorId(YamlMap.Entry entry, ProblemCollector problems) {
        String problem = "vendor_id in signals.tcf must be a vendor id of the Global Vendor List, a positive number";
        return YamlNodes.text(entry.value(), entry.line(), "vendor_id in signals.tcf", problems)
                .flatMap(text -> number(text, entry.line(), problem, problems))
                .filter(id -> id > 0 || complain(problems, entry.line(), problem));
    }

    /** A map of TCF numbers (1 to {@code highest}) to purpose keys; {@code noun} names them: "purpose", "special feature". */
    private static Map<Integer, Set<Purpose>> numbered(YamlMap.Entry entry, String noun, int highest, String context,
                                                       Set<Purpose> declaredPurposes, ProblemCollector problems) {
        Map<Integer, Set<Purpose>> mapped = new LinkedHashMap<>();
        YamlMap.withAnyKeys(entry.value(), entry.line(), context, YamlMap.duplicateKey(context), problems)
                .ifPresent(map -> map.entries().forEach(e -> {
                    String what = "unknown TCF " + noun + " '" + e.key() + "' in " + context + ": TCF 2.2 has " + noun + "s 1 to " + highest;
                    Optional<Integer> number = number(e.key(), e.line(), what, problems)
                            .filter(n -> n >= 1 && n <= highest || complain(problems, e.line(), what));
                    Set<Purpose> purposes = purposes(e, "TCF " + noun + " " + e.key(), context, declaredPurposes, problems);
                    number.ifPresent(n -> mapped.put(n, purposes));
                }));
        return mapped;
    }

    private static Map<String, Map<UsOptOut, Set<Purpose>>> readGpp(YamlMap.Entry entry, Set<Purpose> declaredPurposes,
                                                                    ProblemCollector problems) {
        Map<String, Map<UsOptOut, Set<Purpose>>> sections = new LinkedHashMap<>();
        YamlMap.withAnyKeys(entry.value(), entry.line(), "signals.gpp", YamlMap.duplicateKey("signals.gpp"), problems)
                .ifPresent(gpp -> gpp.entries().forEach(section -> {
                    Optional<Set<UsOptOut>> carried = GppUsSections.optOuts(section.key());
                    if (carried.isEmpty()) {
                        problems.add(section.line(), "unknown GPP section '" + section.key() + "' in signals.gpp: expected one of "
                                + String.join(", ", GppUsSections.names()));
                        return;
                    }
                    sections.put(section.key(), readSection(section, carried.get(), declaredPurposes, problems));
                }));
        return sections;
    }

    private static Map<UsOptOut, Set<Purpose>> readSection(YamlMap.Entry section, Set<UsOptOut> carried, Set<Purpose> declaredPurposes,
                                                           ProblemCollector problems) {
        String context = "GPP section " + section.key();
        List<String> words = carried.stream().sorted().map(PolicyWords::word).toList();
        Map<UsOptOut, Set<Purpose>> optOuts = new EnumMap<>(UsOptOut.class);
        YamlMap.withKeys(section.value(), section.line(), context, words, problems)
                .ifPresent(map -> map.entries().forEach(e -> PolicyWords.parse(UsOptOut.class, e.key()).ifPresent(optOut ->
                        optOuts.put(optOut, purposes(e, context + " " + e.key(), context, declaredPurposes, problems)))));
        return optOuts;
    }

    private static GpcMapping readGpc(YamlMap.Entry entry, Set<Purpose> declaredPurposes, ProblemCollector problems) {
        Optional<YamlMap> gpc = YamlMap.withKeys(entry.value(), entry.line(), "signals.gpc", GPC_KEYS, problems);
        if (gpc.isEmpty()) {
            return GpcMapping.BY_LAW;
        }
        Set<String> honouredIn = gpc.get().parsedItems("honoured_in", JurisdictionCodes::of)
                .map(Map::keySet).orElse(GpcMapping.HONOURED_BY_LAW);
        Map<String, Set<Purpose>> elsewhere = new LinkedHashMap<>();
        gpc.get().entry("elsewhere").flatMap(e -> YamlMap.withAnyKeys(e.value(), e.line(), "signals.gpc.elsewhere",
                        YamlMap.duplicateKey("signals.gpc.elsewhere"), problems))
                .ifPresent(map -> map.entries().forEach(e -> YamlNodes.parse(e.key(), e.line(), JurisdictionCodes::of, problems)
                        .ifPresent(code -> elsewhere.put(code,
                                purposes(e, "GPC in " + code, "signals.gpc.elsewhere", declaredPurposes, problems)))));
        return new GpcMapping(honouredIn, elsewhere);
    }

    /** The purpose keys listed under {@code entry}, each covered by a purpose rule. */
    private static Set<Purpose> purposes(YamlMap.Entry entry, String mappedFrom, String context, Set<Purpose> declaredPurposes,
                                         ProblemCollector problems) {
        Map<Purpose, Integer> purposes = YamlNodes.items(entry.value(), entry.line(), entry.key() + " in " + context, problems)
                .flatMap(items -> YamlNodes.parseDistinct(items, Purpose::of, entry.key() + " in " + context, problems))
                .orElse(Map.of());
        purposes.forEach((purpose, line) -> {
            if (declaredPurposes.stream().noneMatch(declared -> declared.covers(purpose))) {
                problems.add(line, "purpose " + purpose + " mapped from " + mappedFrom + " is not covered by any purpose rule");
            }
        });
        return purposes.keySet().stream().collect(Collectors.toUnmodifiableSet());
    }

    private static Optional<Integer> number(String text, int line, String problem, ProblemCollector problems) {
        if (!NUMBER.matcher(text).matches()) {
            problems.add(line, problem);
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(text));
    }

    /** Reports a problem; false, to filter out what it concerns. */
    private static boolean complain(ProblemCollector problems, int line, String problem) {
        problems.add(line, problem);
        return false;
    }
}
