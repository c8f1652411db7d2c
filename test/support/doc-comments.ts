/**
 * Finds exported declarations and their members that carry no TSDoc comment, with the TypeScript compiler API.
 * Used by test/docs/tsdoc.test.ts.
 */
import ts from 'typescript';

/** One declaration without a doc comment: `Name` or `Name.member`, and where it is. */
export interface MissingDoc {
  name: string;
  file: string;
  line: number;
}

/** A program whose files keep their JSDoc: compilers default to parsing it only where type checking needs it. */
function createProgram(root: string, options: ts.CompilerOptions): ts.Program {
  const host = ts.createCompilerHost(options, true);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseAll;
  return ts.createProgram({ rootNames: [root], options, host });
}

function hasDocComment(node: ts.Node): boolean {
  // A `/** … */` block with text or a tag; a plain `//` or `/* */` comment does not count.
  return ts.getJSDocCommentsAndTags(node).some((doc) => (ts.isJSDoc(doc) ? Boolean(doc.comment) || (doc.tags?.length ?? 0) > 0 : true));
}

function memberName(member: ts.TypeElement | ts.ClassElement | ts.EnumMember, source: ts.SourceFile): string {
  return member.name ? member.name.getText(source) : ts.isIndexSignatureDeclaration(member) ? '[index]' : ts.isCallSignatureDeclaration(member) ? '(call)' : '(member)';
}

/** Members of an object type written inline (`type X = { … }`, also inside unions and intersections). */
function literalMembers(type: ts.TypeNode | undefined): ts.TypeElement[] {
  if (!type) return [];
  if (ts.isTypeLiteralNode(type)) return [...type.members];
  if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) return type.types.flatMap(literalMembers);
  if (ts.isParenthesizedTypeNode(type)) return literalMembers(type.type);
  if (ts.isArrayTypeNode(type)) return literalMembers(type.elementType);
  return [];
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

/** Every exported declaration of `file` and every member of an exported interface, type literal, class or enum. */
export function undocumentedExports(file: string): MissingDoc[] {
  const program = createProgram(file, { noEmit: true });
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const missing: MissingDoc[] = [];
  const report = (name: string, node: ts.Node) => {
    missing.push({ name, file, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  for (const statement of source.statements) {
    if (!isExported(statement)) continue;
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!hasDocComment(statement) && !hasDocComment(declaration)) report(declaration.name.getText(source), declaration);
      }
      continue;
    }
    if (!(ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement) ||
      ts.isEnumDeclaration(statement) || ts.isFunctionDeclaration(statement))) continue;
    const name = statement.name?.getText(source) ?? '(default)';
    if (!hasDocComment(statement)) report(name, statement);
    const members: readonly (ts.TypeElement | ts.ClassElement | ts.EnumMember)[] = ts.isInterfaceDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)
      ? statement.members
      : ts.isTypeAliasDeclaration(statement) ? literalMembers(statement.type) : [];
    const visit = (member: ts.TypeElement | ts.ClassElement | ts.EnumMember, path: string) => {
      if (ts.isClassElement(member) && ts.canHaveModifiers(member) && (ts.getModifiers(member) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword)) return;
      if (ts.isClassElement(member) && member.name && ts.isPrivateIdentifier(member.name)) return;
      const memberPath = `${path}.${memberName(member, source)}`;
      if (!hasDocComment(member)) report(memberPath, member);
      // Objects written inline in a member's type (`host: { platform: string; … }`, also in arrays) are members too.
      if (ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) {
        for (const nested of literalMembers(member.type)) visit(nested, memberPath);
      }
    };
    for (const member of members) visit(member, name);
  }
  return missing;
}

/**
 * The names `entry` exports (following `export … from` to the declarations) that carry no doc comment on any
 * declaration. Namespace re-exports (`export * as x`) count as documented when their module has a leading comment.
 */
export function undocumentedEntryPoints(entry: string): MissingDoc[] {
  const program = createProgram(entry, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${entry} is not a module`);
  const missing: MissingDoc[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = target.declarations ?? [];
    const documented = declarations.some((declaration) => {
      if (ts.isSourceFile(declaration)) return ts.getLeadingCommentRanges(declaration.text, 0)?.some((range) => declaration.text.startsWith('/**', range.pos)) ?? false;
      const statement = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
      return hasDocComment(declaration) || hasDocComment(statement);
    });
    if (!documented) {
      const first = declarations[0];
      const file = first?.getSourceFile().fileName ?? entry;
      const line = first ? first.getSourceFile().getLineAndCharacterOfPosition(first.getStart()).line + 1 : 0;
      missing.push({ name: exported.getName(), file, line });
    }
  }
  return missing;
}
