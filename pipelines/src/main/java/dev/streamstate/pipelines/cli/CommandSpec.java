package dev.streamstate.pipelines.cli;

import org.apache.beam.sdk.options.PipelineOptions;

/** A command of the entry point that is not a pipeline (e.g. the transaction producer). */
record CommandSpec<O extends PipelineOptions>(
    String name, String summary, Class<O> optionsType, Command<O> run) {

  /** What the command does with its parsed options. */
  @FunctionalInterface
  interface Command<O> {
    void run(O options) throws Exception;
  }
}
