package dev.streamstate.pipelines.runtime;

import dev.streamstate.pipelines.io.kafka.ResultKeys;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.samples.Generators.Generator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * One runnable pipeline as the entry point knows it: its name on the command line, what it
 * computes, its output fields and those of them that name a result (its identity: the key of its
 * Kafka messages, see {@link ResultKeys}), its options with their pipeline-specific defaults, the
 * data the built-in generator makes for it, and its logic: payloads in, {@link Outputs} out (JSON
 * lines and dead letters). Sources, sinks and runners are the same for all and live in {@link Job}.
 */
public record PipelineSpec<O extends StreamStateOptions>(
    String name,
    String summary,
    String outputFields,
    List<String> identity,
    Class<O> optionsType,
    Map<String, String> defaults,
    Function<O, Generator> generator,
    BiFunction<PCollection<String>, O, PCollectionTuple> logic) {}
