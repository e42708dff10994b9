package dev.sycostream.stages.pushback;

import dev.sycostream.avro.ModelRequest;
import dev.sycostream.avro.ScoredAnswer;

/** A scored turn-1 answer joined with the request it answers (for the prompt, the choices and the target's backend). */
record FirstTurnWithRequest(ScoredAnswer answer, ModelRequest request) {
}
