/**
 * Neural-network building blocks: {@link dev.neuralode.models.nn.Module} (named, hierarchical
 * parameters), {@link dev.neuralode.models.nn.Layer}s ({@link dev.neuralode.models.nn.Linear},
 * {@link dev.neuralode.models.nn.Activation}, {@link dev.neuralode.models.nn.Sequential}, the
 * time-dependent {@link dev.neuralode.models.nn.ConcatTime} and FFJORD's
 * {@link dev.neuralode.models.nn.ConcatSquashLinear}), the {@link dev.neuralode.models.nn.Mlp}
 * builder, seeded {@link dev.neuralode.models.nn.Init}ialisation schemes, and recurrent cells
 * ({@link dev.neuralode.models.nn.GruCell}, {@link dev.neuralode.models.nn.RnnCell}).
 *
 * <p>Layers read their parameters onto the tape of their input ({@code x.tape().param(p)}), so a
 * model is evaluated on whatever tape the data lives on.
 */
package dev.neuralode.models.nn;
