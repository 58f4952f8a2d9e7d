using Escala.Client;
using Escala.Configuration;

namespace Escala.Core.Tests.Client;

/// <summary>Request validation alone: no store, no HTTP; faults, not status codes.</summary>
public sealed class JobRequestValidatorTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static JobRequestValidator Validator(Action<EscalaOptions>? configure = null)
    {
        var options = new EscalaOptions { Limits = { MaxArgsBytes = 100, MaxBatch = 3 } };
        options.Queues["ai"] = new QueueOptions { MaxAttempts = 7 };
        options.Resources["llm"] = new ResourceOptions { Concurrency = 2 };
        options.KindResources["llm.chat"] = ["llm"];
        configure?.Invoke(options);
        return new JobRequestValidator(EscalaConfiguration.Validate(options));
    }

    private static JobValidationException Refused(JobRequest request, string prefix = "") =>
        Assert.Throws<JobValidationException>(() => Validator().Validate("t1", [request], prefix, Now));

    [Fact]
    public void Validate_ValidRequest_AppliesTheDefaults()
    {
        var job = Assert.Single(Validator().Validate("t1", [new JobRequest { Kind = "llm.chat", Queue = "ai", Delay = "10s", Resources = ["llm"] }], "", Now));

        Assert.Equal(("t1", "ai", "{}", 7, 0), (job.Tenant, job.Queue, job.Args, job.MaxAttempts, job.Priority));
        Assert.Equal(Now + TimeSpan.FromSeconds(10), job.RunAt);
        Assert.Equal(["llm"], job.Resources);
    }

    [Fact]
    public void Validate_NoQueue_UsesTheDefaultQueue()
    {
        var job = Assert.Single(Validator().Validate("t1", [new JobRequest { Kind = "noop" }], "", Now));

        Assert.Equal(QueueDefaults.DefaultQueue, job.Queue);
        Assert.Equal(Now, job.RunAt);
    }

    [Fact]
    public void Validate_MissingKind_InvalidNamingKind()
    {
        var refused = Refused(new JobRequest());

        Assert.Equal(JobRequestFault.Invalid, refused.Fault);
        Assert.Equal(["kind"], refused.Errors.Keys);
    }

    [Fact]
    public void Validate_UnknownQueueAndResource_UnknownReferenceNamingBoth()
    {
        var refused = Refused(new JobRequest { Kind = "k", Queue = "nope", Resources = ["gpu"] });

        Assert.Equal(JobRequestFault.UnknownReference, refused.Fault);
        Assert.Equal(["queue", "resources[0]"], refused.Errors.Keys.Order());
    }

    [Fact]
    public void Validate_ArgsTooLargeAndAnUnknownQueue_TooLargeIsTheWorstFault()
    {
        var refused = Refused(new JobRequest { Kind = "k", Queue = "nope", Args = "\"" + new string('x', 200) + "\"" });

        Assert.Equal(JobRequestFault.TooLarge, refused.Fault);
        Assert.Contains("args", refused.Errors.Keys);
        Assert.Contains("queue", refused.Errors.Keys);
    }

    [Theory]
    [InlineData("{", "args")]
    [InlineData(null, "delay")]
    public void Validate_MalformedValue_InvalidNamingTheField(string? args, string field)
    {
        var refused = Refused(new JobRequest { Kind = "k", Args = args, Delay = args is null ? "soon" : null });

        Assert.Equal(JobRequestFault.Invalid, refused.Fault);
        Assert.Equal([field], refused.Errors.Keys);
    }

    [Theory]
    [InlineData("{\"url\":\"http://a\",\"url\":\"http://b\"}")]
    [InlineData("{\"headers\":{\"x\":\"1\",\"x\":\"2\"}}")]
    [InlineData("[{\"a\":1},{\"b\":1,\"b\":2}]")]
    public void Validate_ArgsNameAFieldTwice_InvalidArgsWithoutEchoingThem(string args)
    {
        var refused = Refused(new JobRequest { Kind = "k", Args = args });

        Assert.Equal(JobRequestFault.Invalid, refused.Fault);
        var message = Assert.Single(refused.Errors["args"]);
        Assert.Equal("The arguments name the same field twice in one object.", message);
    }

    [Theory]
    [InlineData("{\"a\":{\"x\":1},\"b\":{\"x\":1}}")]
    [InlineData("[{\"x\":1},{\"x\":2}]")]
    public void Validate_SameFieldInDifferentObjects_Accepted(string args) =>
        Assert.Equal(args, Assert.Single(Validator().Validate("t1", [new JobRequest { Kind = "k", Args = args }], "", Now)).Args);

    [Fact]
    public void Validate_RunAtAndDelay_RefusedAsOneOrTheOther()
    {
        var refused = Refused(new JobRequest { Kind = "k", RunAt = Now, Delay = "1s" });

        Assert.Equal(["delay"], refused.Errors.Keys);
    }

    [Fact]
    public void Validate_Batch_FieldPathsCarryTheIndexAndNothingIsAccepted()
    {
        var refused = Assert.Throws<JobValidationException>(() => Validator().Validate("t1",
            [new JobRequest { Kind = "ok" }, new JobRequest { Kind = "bad kind!", Priority = 500 }], "jobs", Now));

        Assert.Equal(["jobs[1].kind", "jobs[1].priority"], refused.Errors.Keys.Order());
    }

    [Fact]
    public void Validate_BatchOverTheLimit_TooLarge()
    {
        var refused = Assert.Throws<JobValidationException>(() => Validator().Validate("t1",
            [.. Enumerable.Range(0, 4).Select(_ => new JobRequest { Kind = "k" })], "jobs", Now));

        Assert.Equal(JobRequestFault.TooLarge, refused.Fault);
    }
}
