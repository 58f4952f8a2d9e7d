using Escala.Client;
using Escala.Configuration;
using Escala.Workflows;

namespace Escala.Core.Tests.Workflows;

/// <summary>Workflow validation alone: names, dependencies, cycles and each step's job, every fault named by its field.</summary>
public sealed class WorkflowRequestValidatorTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly WorkflowRequestValidator Validator = new(EscalaConfiguration.Validate(new EscalaOptions { Limits = { MaxBatch = 5 } }));

    private static WorkflowStepRequest Step(string name, params string[] dependsOn) => new(name, dependsOn, new JobRequest { Kind = "noop" });

    private static JobValidationException Refused(params WorkflowStepRequest[] steps) =>
        Assert.Throws<JobValidationException>(() => Validator.Validate("t1", new WorkflowRequest { Steps = steps }, Now));

    [Fact]
    public void Validate_Diamond_ParentsAsIndexes_AndTheDefaultPolicy()
    {
        var workflow = Validator.Validate("t1", new WorkflowRequest { Steps = [Step("a"), Step("b", "a"), Step("c", "a"), Step("d", "b", "c", "b")] }, Now);

        Assert.Equal(WorkflowFailurePolicy.FailWorkflow, workflow.OnFailure);
        Assert.Equal([[], [0], [0], [1, 2]], workflow.Steps.Select(s => s.Parents.ToArray()));
        Assert.All(workflow.Steps, s => Assert.Equal("t1", s.Job.Tenant));
    }

    [Fact]
    public void Validate_ThreeStepCycle_NamesOneStepsDependsOnAndTheCycle()
    {
        var refused = Refused(Step("a", "c"), Step("b", "a"), Step("c", "b"), Step("free"));

        var (field, messages) = Assert.Single(refused.Errors);
        Assert.Equal("steps[0].dependsOn", field);
        Assert.Contains("a -> c -> b -> a", messages[0]);
    }

    [Fact]
    public void Validate_EveryFaultAtOnce_EachNamedByItsField()
    {
        var refused = Assert.Throws<JobValidationException>(() => Validator.Validate("t1", new WorkflowRequest
        {
            OnFailure = "retry",
            Steps = [Step("a"), Step("a"), Step("b.1"), Step("c", "zz", "c"), new WorkflowStepRequest("d", null, new JobRequest())],
        }, Now));

        Assert.Equal(
            ["onFailure", "steps[1].name", "steps[2].name", "steps[3].dependsOn[0]", "steps[3].dependsOn[1]", "steps[4].kind"],
            refused.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(JobRequestFault.Invalid, refused.Fault);
    }

    [Fact]
    public void Validate_MoreStepsThanMaxBatch_IsTooLarge()
    {
        var refused = Refused([.. Enumerable.Range(0, 6).Select(i => Step($"s{i}"))]);

        Assert.Equal(JobRequestFault.TooLarge, refused.Fault);
    }

    [Fact]
    public void ValidateChildren_IdempotencyKey_IsRefusedByItsField()
    {
        var refused = Assert.Throws<JobValidationException>(() =>
            Validator.ValidateChildren("t1", [new JobRequest { Kind = "noop" }, new JobRequest { Kind = "noop", IdempotencyKey = "k" }], Now));

        Assert.Equal("children[1].idempotencyKey", Assert.Single(refused.Errors).Key);
    }
}
