using System.Text.Json.Nodes;
using Escala.Server.Tests.Api.OpenApi;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary>An adaptive concurrency limit in <c>GET /v1/resources</c> and <c>/metrics</c>, as the OpenAPI document describes it.</summary>
public sealed class AdaptiveResourceTests : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Resources:gemini:Concurrency:Adaptive:Min"] = "3",
        ["Resources:gemini:Concurrency:Adaptive:Max"] = "50",
    };

    [Fact]
    public async Task Resources_AdaptiveLimit_ShowsCurrentLimitBoundsAndAlgorithm()
    {
        var text = await Node.Http.GetStringAsync("/v1/resources");
        var body = JsonNode.Parse(text)!;

        var gemini = body["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "gemini")!;
        Assert.Equal(3, gemini["concurrency"]!.GetValue<int>());
        Assert.Equal(3, gemini["adaptive"]!["min"]!.GetValue<int>());
        Assert.Equal(50, gemini["adaptive"]!["max"]!.GetValue<int>());
        Assert.Equal("aimd", gemini["adaptive"]!["algorithm"]!.GetValue<string>());
        Assert.Null(gemini["adaptive"]!["latencyMs"]); // nothing ran yet
        var llm = body["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "llm")!;
        Assert.Null(llm["adaptive"]);

        var document = JsonNode.Parse(await Node.Http.GetStringAsync("/openapi/v1.json"))!;
        var schema = document["paths"]!["/v1/resources"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Empty(new SchemaValidator(document).Validate(body, schema));

        var metrics = await Node.Http.GetStringAsync("/metrics");
        Assert.Contains("escala_resource_limit{resource=\"gemini\"} 3", metrics);
    }
}
