// Response checks derived from the type definitions @mattermost/types ships (its .d.ts
// files, read with the TypeScript compiler API), so that a key the apps' types require
// and Roost leaves out, or sends with another JSON type, fails a check. Nothing here is
// written by hand except two short tables of what Mattermost's own server does where the
// types are stricter than it: keys it leaves out when empty (Go `json:",omitempty"`) and
// keys it sends as null when unset (Go pointers).
'use strict';

const path = require('path');
const ts = require('typescript');

const TYPES_LIB = path.join(__dirname, 'node_modules', '@mattermost', 'types', 'lib');

// type name -> keys the types require that Mattermost's own server (server/public/model/
// *.go) leaves out: mostly those it tags omitempty, absent when empty. Absent passes here
// too; present, the value must still have the declared type. A name matches the type
// checked or the type alias that declares the key (an intersection's part).
const OMITTED_WHEN_EMPTY = {
    // model/user.go User
    UserProfile: ['create_at', 'update_at', 'password', 'auth_data', 'props', 'notify_props',
        'last_password_update', 'last_picture_update', 'failed_attempts', 'mfa_active',
        'remote_id', 'last_activity_at', 'is_bot', 'bot_description',
        'terms_of_service_id', 'terms_of_service_create_at'],
    // model/post.go Post.Metadata is a pointer tagged omitempty, and so are the lists in
    // PostMetadata.
    Post: ['metadata'],
    PostMetadata: ['embeds', 'emojis', 'files', 'images'],
    // notify_props is a Go StringMap: a new user's holds User.SetDefaultNotifications' keys,
    // which do not include these.
    UserNotifyProps: ['calls_desktop_sound', 'highlight_keys', 'mark_unread'],
    // model/team_member.go TeamMember has no unread counts: the types merge TeamUnread in,
    // and the web app fills them from /users/me/teams/unread.
    TeamMembership: ['msg_count', 'mention_count', 'msg_count_root', 'mention_count_root'],
    // model/channel_member.go ChannelUnreadAt has no deltaMsgs: the web app computes it.
    ChannelUnread: ['deltaMsgs'],
    // model/emoji.go Emoji has no category: the web app sets 'custom' itself.
    CustomEmoji: ['category'],
};

// type name -> keys that are Go pointers without omitempty: the real server sends null
// for them when unset although the types declare a plain value.
const NULL_WHEN_UNSET = {
    Channel: ['scheme_id', 'group_constrained'], // model/channel.go *string, *bool
    Team: ['scheme_id', 'group_constrained'], // model/team.go *string, *bool
};

function buildProgram() {
    const files = ts.sys.readDirectory(TYPES_LIB, ['.d.ts']);
    const program = ts.createProgram(files, {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    });
    return {program, checker: program.getTypeChecker()};
}

// A serialisable description of a type: {k: 'string'|'number'|'boolean'|'null'|'undefined'
// |'any'|'never'|'lit'|'union'|'array'|'object'|'ref', ...}.
class SchemaBuilder {
    constructor() {
        const {program, checker} = buildProgram();
        this.program = program;
        this.checker = checker;
        this.defs = {};
        this.building = new Map(); // ts type id -> def name (cycles end in a ref)
        this.exported = new Map(); // 'module:Name' and 'Name' -> ts type
        for (const sf of program.getSourceFiles()) {
            if (!sf.fileName.startsWith(TYPES_LIB)) {
                continue;
            }
            const moduleSymbol = checker.getSymbolAtLocation(sf);
            if (!moduleSymbol) {
                continue;
            }
            const module = path.basename(sf.fileName, '.d.ts');
            for (const sym of checker.getExportsOfModule(moduleSymbol)) {
                if (sym.flags & ts.SymbolFlags.TypeAlias || sym.flags & ts.SymbolFlags.Interface) {
                    const type = checker.getDeclaredTypeOfSymbol(sym);
                    this.exported.set(`${module}:${sym.name}`, type);
                    if (!this.exported.has(sym.name)) {
                        this.exported.set(sym.name, type);
                    }
                }
            }
        }
    }

    // `name` is 'module:Type' (e.g. 'users:UserProfile') or an unambiguous 'Type'.
    schema(name) {
        const type = this.exported.get(name);
        if (!type) {
            throw new Error(`@mattermost/types has no exported type ${name}`);
        }
        return this.node(type, name.split(':').pop());
    }

    node(type, aliasName) {
        const f = type.flags;
        const c = this.checker;
        if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
            return {k: 'any'};
        }
        if (f & ts.TypeFlags.Never) {
            return {k: 'never'};
        }
        if (f & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) {
            return {k: 'string'};
        }
        if (f & (ts.TypeFlags.Number | ts.TypeFlags.BigInt)) {
            return {k: 'number'};
        }
        if (f & ts.TypeFlags.Boolean) {
            return {k: 'boolean'};
        }
        if (f & ts.TypeFlags.BooleanLiteral) {
            return {k: 'lit', v: c.typeToString(type) === 'true'};
        }
        if (f & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral)) {
            return {k: 'lit', v: type.value};
        }
        if (f & ts.TypeFlags.Null) {
            return {k: 'null'};
        }
        if (f & (ts.TypeFlags.Undefined | ts.TypeFlags.Void)) {
            return {k: 'undefined'};
        }
        if (f & ts.TypeFlags.Union) {
            // boolean is true|false in a union: fold it back so messages stay readable.
            const parts = type.types.map((t) => this.node(t));
            return {k: 'union', of: parts};
        }
        if (f & ts.TypeFlags.NonPrimitive) {
            return {k: 'object', props: {}, index: {k: 'any'}};
        }
        if (c.isArrayType(type)) {
            return {k: 'array', of: this.node(c.getTypeArguments(type)[0])};
        }
        if (c.isTupleType(type)) {
            const args = c.getTypeArguments(type);
            return {k: 'array', of: args.length ? {k: 'union', of: args.map((t) => this.node(t))} : {k: 'any'}};
        }
        if (f & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) {
            if (c.getSignaturesOfType(type, ts.SignatureKind.Call).length) {
                return {k: 'any'}; // functions never travel as JSON
            }
            const known = this.building.get(type.id);
            if (known) {
                return {k: 'ref', id: known};
            }
            const typeName = aliasName || (type.aliasSymbol && type.aliasSymbol.name) ||
                (type.symbol && !type.symbol.name.startsWith('__') ? type.symbol.name : '');
            const name = `${typeName || 'anon'}#${type.id}`;
            this.building.set(type.id, name);
            const props = {};
            for (const sym of c.getPropertiesOfType(type)) {
                const decl = sym.valueDeclaration || (sym.declarations && sym.declarations[0]);
                const propType = decl ? c.getTypeOfSymbolAtLocation(sym, decl) : c.getTypeOfSymbol(sym);
                props[sym.name] = {
                    optional: Boolean(sym.flags & ts.SymbolFlags.Optional),
                    owner: declaringAlias(decl),
                    node: this.node(propType),
                };
            }
            let index = null;
            for (const info of c.getIndexInfosOfType(type)) {
                const value = this.node(info.type);
                index = index ? {k: 'union', of: [index, value]} : value;
            }
            this.defs[name] = {k: 'object', name: typeName, props, index};
            return {k: 'ref', id: name};
        }
        return {k: 'any'};
    }
}

class Shapes {
    constructor() {
        this.builder = new SchemaBuilder();
        this.cache = new Map();
    }

    // 'module:Type', 'module:Type[]', or a primitive such as 'string[]'.
    get(name) {
        if (!this.cache.has(name)) {
            let node;
            if (name.endsWith('[]')) {
                node = {k: 'array', of: this.get(name.slice(0, -2))};
            } else if (['string', 'number', 'boolean'].includes(name)) {
                node = {k: name};
            } else {
                node = this.builder.schema(name);
            }
            this.cache.set(name, node);
        }
        return this.cache.get(name);
    }

    // Every problem with `value` as the named type: [] when it conforms.
    problems(name, value, where = '$') {
        const out = [];
        this.walk(this.get(name), value, where, out);
        return out;
    }

    // A readable description of a schema node, for messages.
    describe(node, depth = 0) {
        switch (node.k) {
        case 'lit': return JSON.stringify(node.v);
        case 'union': return node.of.map((n) => this.describe(n, depth + 1)).join(' | ');
        case 'array': return `${this.describe(node.of, depth + 1)}[]`;
        case 'ref': return this.builder.defs[node.id].name || 'object';
        case 'object': return 'object';
        default: return node.k;
        }
    }

    walk(node, value, where, out) {
        switch (node.k) {
        case 'any':
            return;
        case 'never':
            out.push(`${where}: no value allowed, got ${JSON.stringify(value)}`);
            return;
        case 'string':
        case 'number':
        case 'boolean':
            if (typeof value !== node.k) {
                out.push(`${where}: expected ${node.k}, got ${jsonType(value)} ${short(value)}`);
            }
            return;
        case 'null':
            if (value !== null) {
                out.push(`${where}: expected null, got ${short(value)}`);
            }
            return;
        case 'undefined':
            if (value !== undefined) {
                out.push(`${where}: expected no value, got ${short(value)}`);
            }
            return;
        case 'lit':
            if (value !== node.v) {
                out.push(`${where}: expected ${JSON.stringify(node.v)}, got ${short(value)}`);
            }
            return;
        case 'union': {
            // Passes when one member passes; else report the closest member's problems.
            let best = null;
            for (const member of node.of) {
                const trial = [];
                this.walk(member, value, where, trial);
                if (!trial.length) {
                    return;
                }
                if (!best || trial.length < best.length) {
                    best = trial;
                }
            }
            const kinds = node.of.map((n) => this.describe(n)).join(' | ');
            if (best && best.length && node.of.some((n) => n.k === 'ref') && isPlainObject(value)) {
                out.push(...best);
            } else {
                out.push(`${where}: expected ${kinds}, got ${jsonType(value)} ${short(value)}`);
            }
            return;
        }
        case 'array':
            if (!Array.isArray(value)) {
                out.push(`${where}: expected an array, got ${jsonType(value)} ${short(value)}`);
                return;
            }
            value.forEach((item, i) => this.walk(node.of, item, `${where}[${i}]`, out));
            return;
        case 'ref': {
            const def = this.builder.defs[node.id];
            this.walkObject(def, value, where, out);
            return;
        }
        default:
            out.push(`${where}: unknown schema node ${node.k}`);
        }
    }

    walkObject(def, value, where, out) {
        if (!isPlainObject(value)) {
            out.push(`${where}: expected ${def.name || 'an object'}, got ${jsonType(value)} ${short(value)}`);
            return;
        }
        const listed = (table, key, prop) => [def.name, prop.owner].some((name) => (table[name] || []).includes(key));
        for (const [key, prop] of Object.entries(def.props)) {
            if (!(key in value)) {
                if (!prop.optional && !listed(OMITTED_WHEN_EMPTY, key, prop)) {
                    out.push(`${where}.${key}: missing (required by ${def.name || 'the type'})`);
                }
                continue;
            }
            const unset = prop.optional || listed(NULL_WHEN_UNSET, key, prop);
            if (value[key] === undefined || (value[key] === null && unset && !acceptsNull(prop.node))) {
                // JSON null for an optional key is how Go's nil pointers and maps arrive.
                continue;
            }
            this.walk(prop.node, value[key], `${where}.${key}`, out);
        }
        if (def.index) {
            for (const [key, item] of Object.entries(value)) {
                if (!(key in def.props)) {
                    this.walk(def.index, item, `${where}[${JSON.stringify(key)}]`, out);
                }
            }
        }
    }
}

// The name of the type alias whose literal declares a property ('' if none).
function declaringAlias(decl) {
    for (let node = decl && decl.parent; node; node = node.parent) {
        if (ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node)) {
            return node.name.text;
        }
    }
    return '';
}

function acceptsNull(node) {
    return node.k === 'null' || node.k === 'any' || (node.k === 'union' && node.of.some(acceptsNull));
}

function isPlainObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function jsonType(value) {
    if (value === null) {
        return 'null';
    }
    return Array.isArray(value) ? 'array' : typeof value;
}

function short(value) {
    const text = JSON.stringify(value);
    return text && text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

module.exports = {Shapes, OMITTED_WHEN_EMPTY, NULL_WHEN_UNSET};
