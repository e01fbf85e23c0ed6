package dev.consentgate.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;

/**
 * fabric8's serialization, made to refuse what its typed models do not know. Every fabric8 model keeps unknown fields
 * in an "additional properties" map (a Jackson any-setter), so a misspelt {@code readinesProbe} would load silently and
 * be dropped by the API server; here the any-setters are ignored and unknown properties fail.
 */
final class StrictKubernetesSerialization extends KubernetesSerialization {

    @Override
    protected ObjectMapper configureMapper(ObjectMapper mapper) {
        return super.configureMapper(mapper).rebuild()
                .annotationIntrospector(new NoAnySetters())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /** The objects of a multi-document YAML stream, such as kustomize's output. */
    List<HasMetadata> objects(String yaml) {
        return Arrays.stream(yaml.split("(?m)^---$"))
                .filter(document -> !document.isBlank())
                .map(document -> (HasMetadata) unmarshal(document, HasMetadata.class))
                .toList();
    }

    private static final class NoAnySetters extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated annotated) {
            return null;
        }
    }
}
