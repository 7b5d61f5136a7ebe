// The one place the dashboard imports its UI library from: Preact, its hooks, and htm templates.
import { Component, h, render, createContext } from "preact";
import { useState, useEffect, useMemo, useRef, useCallback, useContext, useReducer } from "preact/hooks";
import htm from "htm";

export const html = htm.bind(h);
export { Component, h, render, createContext, useState, useEffect, useMemo, useRef, useCallback, useContext, useReducer };
