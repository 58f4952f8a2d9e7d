using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

public sealed class ClusterEndpointsTests : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["NodeId"] = "node-under-test",
        ["Resources:ocr:Concurrency"] = "3",
        ["Resources:ocr:Rate"] = "60/min",
    };

    [Fact]
    public async Task Resources_ListsEveryConfiguredResourceWithItsLimits()
    {
        var body = await Api.GetAsync("/v1/resources");

        var resources = body.GetProperty("resources").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(["llm", "ocr"], resources.Keys.Order());
        Assert.Equal(3, resources["ocr"].GetProperty("concurrency").GetInt32());
        Assert.False(string.IsNullOrEmpty(resources["ocr"].GetProperty("rate").GetString()));
        Assert.Equal(2, resources["llm"].GetProperty("concurrency").GetInt32());
        Assert.Equal(0, resources["llm"].GetProperty("running").GetInt32());
    }

    [Fact]
    public async Task Nodes_ListsThisNode()
    {
        var nodes = await Eventually.UntilAsync(
            () => Api.GetAsync("/v1/nodes"),
            body => body.GetProperty("nodes").GetArrayLength() > 0,
            "this node to register");

        Assert.Contains("node-under-test", nodes.GetProperty("nodes").GetRawText());
    }
}
