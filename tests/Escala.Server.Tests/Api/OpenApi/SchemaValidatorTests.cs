using System.Text.Json.Nodes;

namespace Escala.Server.Tests.Api.OpenApi;

/// <summary>The validator the document test relies on catches what it must: wrong types, missing fields, stray fields, bad enums.</summary>
public sealed class SchemaValidatorTests
{
    private static readonly JsonNode Document = JsonNode.Parse("""
        { "components": { "schemas": {
            "Job": { "type": "object", "required": ["id", "state"], "additionalProperties": false,
                     "properties": { "id": { "type": "integer" }, "state": { "type": "string", "enum": ["available", "dead"] },
                                     "at": { "type": ["string", "null"] }, "errors": { "type": "array", "items": { "$ref": "#/components/schemas/Err" } } } },
            "Err": { "type": "object", "required": ["message"], "properties": { "message": { "type": "string" } } } } } }
        """)!;

    private static readonly JsonNode Job = JsonNode.Parse("""{ "$ref": "#/components/schemas/Job" }""")!;

    [Fact]
    public void Validate_ConformingValue_NoErrors() =>
        Assert.Empty(new SchemaValidator(Document).Validate(JsonNode.Parse("""{ "id": 1, "state": "dead", "at": null, "errors": [{ "message": "x" }] }"""), Job));

    [Theory]
    [InlineData("""{ "id": "1", "state": "dead" }""", "$.id: string, expected integer")]
    [InlineData("""{ "id": 1 }""", "$: missing required state")]
    [InlineData("""{ "id": 1, "state": "gone" }""", "$.state: \"gone\" is not one of")]
    [InlineData("""{ "id": 1, "state": "dead", "extra": 1 }""", "$: extra is not in the schema")]
    [InlineData("""{ "id": 1, "state": "dead", "errors": [{ }] }""", "$.errors[0]: missing required message")]
    public void Validate_Mismatch_NamesThePath(string json, string expected)
    {
        var errors = new SchemaValidator(Document).Validate(JsonNode.Parse(json), Job);

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
