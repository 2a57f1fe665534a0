using Akka.Actor;

namespace ActorBridge.Internal;

/// <summary>
/// Creates an actor through a factory delegate, so actors can keep internal constructors that take internal
/// collaborators (and their arguments, which hold the connection string, never appear in Props' error messages).
/// </summary>
internal sealed class FactoryProducer<TActor>(Func<TActor> factory) : IIndirectActorProducer
    where TActor : ActorBase
{
    public Type ActorType => typeof(TActor);

    public ActorBase Produce() => factory();

    public void Release(ActorBase actor)
    {
    }

    public static Props Props(Func<TActor> factory) => Akka.Actor.Props.CreateBy(new FactoryProducer<TActor>(factory));
}
