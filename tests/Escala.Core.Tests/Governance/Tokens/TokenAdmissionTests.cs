using Escala.Configuration;
using Escala.Governance;
using Escala.Governance.Tokens;

namespace Escala.Core.Tests.Governance.Tokens;

public sealed class TokenAdmissionTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Llm = ["llm"];
    private static readonly RateLimit Budget = new(1000, TimeSpan.FromMinutes(1));

    private static AdmissionPlanner Planner(long used, int? concurrency = null) => new(
        new Admission { Resources = new Dictionary<string, ResourceLimit> { ["llm"] = new("llm", concurrency, null, BreakerGate.Closed) { Tokens = Budget } } },
        new Dictionary<string, long>(), new Dictionary<string, int>(), new Dictionary<string, DateTimeOffset>(), new Dictionary<string, long>(),
        Now, tokensInWindow: new Dictionary<string, long> { ["llm"] = used });

    [Fact]
    public void TryAdmit_Estimates_AdmitsWhileTheyFitTheRoomLeft()
    {
        var sut = Planner(used: 600);

        Assert.True(sut.TryAdmit("t1", Llm, 250));
        Assert.False(sut.TryAdmit("t1", Llm, 200));
        Assert.True(sut.TryAdmit("t1", Llm, 150));
        Assert.True(sut.HasTokenBudget("llm"));
        Assert.False(sut.TryAdmit("t1", Llm, 1));
    }

    [Fact]
    public void Constructor_BudgetSpent_BlocksTheResource()
    {
        Assert.Contains("llm", Planner(used: 1000).BlockedResources);
        Assert.DoesNotContain("llm", Planner(used: 999).BlockedResources);
    }

    [Fact]
    public void TryAdmit_JobWithoutEstimate_NeedsOnlyRoomLeft()
    {
        var sut = Planner(used: 999);

        Assert.True(sut.TryAdmit("t1", Llm));
        Assert.False(Planner(used: 1000).TryAdmit("t1", Llm));
    }

    [Fact]
    public void TryAdmit_LargerThanTheBudget_OnlyInAnEmptyWindow()
    {
        Assert.True(Planner(used: 0).TryAdmit("t1", Llm, 5000));
        Assert.False(Planner(used: 1).TryAdmit("t1", Llm, 5000));
    }

    [Fact]
    public void TokenWindow_IsTheBudgetsWindowPlusTheGuard() =>
        Assert.Equal(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(250), TokenWindow.Of(Budget));

    [Fact]
    public void TokenEstimates_LlmChat_PromptCharsOverThreePlusFourPerMessagePlusMaxTokens()
    {
        var models = new Dictionary<string, ModelSettings>
        {
            ["qwen"] = new() { Name = "qwen", Endpoints = [], Model = "qwen", Resource = "llm", MaxTokens = 500, EndpointFailures = 3, EndpointOpenFor = TimeSpan.FromSeconds(30) },
        };

        Assert.Equal(300 / 3 + 8 + 500, TokenEstimates.For("llm.chat",
            $$"""{"messages":[{"role":"system","content":"{{new string('a', 100)}}"},{"role":"user","content":"{{new string('b', 200)}}"}]}""", models));
        Assert.Equal(0 + 4 + 64, TokenEstimates.For("llm.chat", """{"model":"qwen","messages":[{"role":"user","content":""}],"maxTokens":64}""", models));
        Assert.Null(TokenEstimates.For("http", "{}", models));
        Assert.Null(TokenEstimates.For("llm.chat", """{"model":"ghost","messages":[]}""", models));
        Assert.Null(TokenEstimates.For("llm.chat", "not json", models));
    }

    [Fact]
    public void Settings_Tokens_ParsedLikeARateAndABadOneNamesItsKey()
    {
        var options = new EscalaOptions();
        options.Resources["llm"] = new ResourceOptions { Tokens = "40000/min" };
        Assert.Equal(new RateLimit(40000, TimeSpan.FromMinutes(1)), SettingsBuilder.Build(options).Resources["llm"].Tokens);

        options.Resources["llm"].Tokens = "lots";
        var ex = Assert.Throws<ConfigurationException>(() => SettingsBuilder.Build(options));
        Assert.Equal("Resources:llm:Tokens: 'lots' is not a token budget such as 40000/min.", Assert.Single(ex.Errors));
    }
}
