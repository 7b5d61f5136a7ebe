"""From an evaluated component object to its metadata and `configurable_props`, as Node's JSON would give."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from emulator.props import prop_types
from emulator.props.diagnostics import Diagnostic
from emulator.props.values import UNDEFINED, JSFunction, JSObject, Namespace, Unknown, entries

METADATA_FIELDS = ("key", "name", "version", "description", "type", "dedupe")
_OMIT = object()
_MAX_DEFINITION_DEPTH = 10


@dataclass
class ComponentFields:
    metadata: dict[str, Any] = field(default_factory=dict)   # str or None each
    configurable_props: list[dict] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    needs_completion: bool = False
    reported: set[Diagnostic] = field(default_factory=set)  # origins already warned about

    def report(self, unknown: Unknown, context: str) -> None:
        """Record a value that could not be known (once per origin), prefixed with where it sits."""
        self.needs_completion = True
        origin = unknown.diagnostic
        if origin not in self.reported:
            self.reported.add(origin)
            self.warnings.append(Diagnostic(f"{context}: {origin.message}", origin.file, origin.line, origin.column))


def read_component(component: Any, namespace_object: Any, reported: list[Diagnostic]) -> ComponentFields:
    """Metadata and configurable props of `component`; unknown parts not yet `reported` become warnings."""
    reader = _Reader(ComponentFields(reported=set(reported)), namespace_object)
    return reader.read(component)


class _Reader:
    def __init__(self, fields: ComponentFields, namespace_object: Any) -> None:
        self.fields = fields
        self.namespace_object = namespace_object

    def read(self, component: Any) -> ComponentFields:
        fields = self.fields
        if isinstance(component, Namespace):
            component = self.namespace_object(component)
        if isinstance(component, Unknown):
            fields.report(component, "component")
            component = JSObject()
        for gap in component.gaps if isinstance(component, JSObject) else []:
            fields.report(gap, "component")
        for name in METADATA_FIELDS:
            value = component.get(name, UNDEFINED) if isinstance(component, JSObject) else UNDEFINED
            if isinstance(value, Unknown):
                fields.report(value, f"component {name}")
            fields.metadata[name] = value if isinstance(value, str) else None
        props = component.get("props", UNDEFINED) if isinstance(component, JSObject) else UNDEFINED
        if isinstance(props, Unknown):
            fields.report(props, "props")
        elif isinstance(props, JSObject):
            for gap in props.gaps:
                fields.report(gap, "props")
            for name, value in entries(props):
                prop = self.prop(name, value)
                if prop is not None:
                    fields.configurable_props.append(prop)
        return fields

    def prop(self, name: str, value: Any) -> dict | None:
        context = f"prop '{name}'"
        if isinstance(value, Unknown):
            self.fields.report(value, context)
            return None
        if isinstance(value, str):
            return {"name": name, "type": value}
        if not isinstance(value, JSObject):
            return {"name": name}
        if value.get("type") == prop_types.APP:
            app = self.json(value.get("app", UNDEFINED), f"{context} app")
            return {"name": name, "type": prop_types.APP} | ({} if app is _OMIT else {"app": app})
        value = self.with_definition(value, context)
        result: dict[str, Any] = {"name": name}
        kind = self.json(value.get("type", UNDEFINED), f"{context} type")
        if kind is not _OMIT:
            result["type"] = kind
        for gap in value.gaps:
            self.fields.report(gap, context)
        for key, attribute in entries(value):
            if key in ("name", "type"):
                continue
            if key == "options" and isinstance(attribute, JSFunction):
                result["remoteOptions"] = True
                continue
            converted = self.json(attribute, f"{context} {key}")
            if converted is not _OMIT:
                result[key] = converted
        return result

    def with_definition(self, prop: JSObject, context: str, depth: int = 0) -> JSObject:
        """`{...app.propDefinitions[key], ...prop}` without `propDefinition`, resolved recursively."""
        reference = prop.get("propDefinition", UNDEFINED)
        if reference is UNDEFINED or reference is None or depth > _MAX_DEFINITION_DEPTH:
            return prop
        definition: Any = JSObject()
        if isinstance(reference, Unknown):
            self.fields.report(reference, f"{context} propDefinition")
        elif isinstance(reference, list) and reference:
            app, key = reference[0], reference[1] if len(reference) > 1 else UNDEFINED
            found = self._definition(app, key)
            if isinstance(found, Unknown):
                self.fields.report(found, f"{context} propDefinition")
            elif isinstance(found, JSObject):
                definition = self.with_definition(found, context, depth + 1)
        merged = JSObject({**definition, **prop}, gaps=definition.gaps + prop.gaps)
        del merged["propDefinition"]
        return merged

    def _definition(self, app: Any, key: Any) -> Any:
        if isinstance(app, Namespace):
            app = self.namespace_object(app)
        for step in ("propDefinitions", key):
            if isinstance(app, Unknown) or isinstance(step, Unknown):
                return app if isinstance(app, Unknown) else step
            if not isinstance(app, JSObject):
                return UNDEFINED
            app = app[step] if isinstance(step, str) and step in app else (app.gaps[0] if app.gaps else UNDEFINED)
        return app

    def json(self, value: Any, context: str) -> Any:
        """`value` as JSON.stringify would write it; functions and undefined are _OMIT."""
        if isinstance(value, Unknown):
            self.fields.report(value, context)
            return _OMIT
        if value is UNDEFINED or isinstance(value, JSFunction):
            return _OMIT
        if isinstance(value, float):
            return None if math.isnan(value) or math.isinf(value) else (0 if value == 0 else value)
        if isinstance(value, Namespace):
            value = self.namespace_object(value)
        if isinstance(value, JSObject):
            for gap in value.gaps:
                self.fields.report(gap, context)
            converted = ((k, self.json(v, f"{context}.{k}")) for k, v in entries(value))
            return {k: v for k, v in converted if v is not _OMIT}
        if isinstance(value, list):
            return [None if v is _OMIT else v for v in (self.json(v, f"{context}[]") for v in value)]
        return value
