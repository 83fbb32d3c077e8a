# Checks out the llama.cpp source from node-llama-cpp's git bundle into the build folder, once.
# The bundle holds a single squashed commit; its release tag is recorded in llama.cpp.info.json.
# A checkout that exists and matches the bundle's commit is reused, so rebuilds stay offline and fast.

function(seal_checkout_llama_source package_dir out_var)
    set(bundle "${package_dir}/gitRelease.bundle")
    set(info "${package_dir}/llama.cpp.info.json")
    if(NOT EXISTS "${bundle}" OR NOT EXISTS "${info}")
        message(FATAL_ERROR "SEAL_NATIVE_NO_BUNDLE: llama.cpp bundle not found at ${bundle}. "
                            "Run `npm ci` first so node-llama-cpp is installed.")
    endif()
    find_package(Git REQUIRED)

    file(READ "${info}" info_json)
    string(JSON tag GET "${info_json}" tag)
    execute_process(COMMAND "${GIT_EXECUTABLE}" bundle list-heads "${bundle}"
                    OUTPUT_VARIABLE heads RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "SEAL_NATIVE_BAD_BUNDLE: `git bundle list-heads ${bundle}` failed")
    endif()
    string(REGEX MATCH "^[0-9a-f]+" commit "${heads}")

    set(source_dir "${CMAKE_BINARY_DIR}/llama.cpp-src")
    set(stamp "${source_dir}/.seal-checkout")
    # The stamp names the patches' content too, so editing a patch re-creates the checkout.
    file(GLOB patches "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../patches/*.patch")
    list(SORT patches)
    set(patches_digest "")
    foreach(patch IN LISTS patches)
        file(SHA256 "${patch}" digest)
        string(APPEND patches_digest " ${digest}")
    endforeach()
    set(expected_stamp "${tag} ${commit}${patches_digest}")
    if(EXISTS "${stamp}")
        file(READ "${stamp}" found_stamp)
    endif()
    if(NOT "${found_stamp}" STREQUAL "${expected_stamp}")
        message(STATUS "seal: checking out llama.cpp ${tag} (${commit}) from ${bundle}")
        # Clone into a temporary folder and rename, so an interrupted checkout is never mistaken for a
        # complete one.
        set(tmp_dir "${source_dir}.tmp")
        file(REMOVE_RECURSE "${tmp_dir}" "${source_dir}")
        execute_process(COMMAND "${GIT_EXECUTABLE}" -c advice.detachedHead=false clone --quiet "${bundle}" "${tmp_dir}"
                        RESULT_VARIABLE rc)
        if(NOT rc EQUAL 0)
            message(FATAL_ERROR "SEAL_NATIVE_CHECKOUT: git clone of ${bundle} failed")
        endif()
        seal_apply_patches("${tmp_dir}")
        file(WRITE "${tmp_dir}/.seal-checkout" "${expected_stamp}")
        file(RENAME "${tmp_dir}" "${source_dir}")
    endif()
    set(SEAL_LLAMA_TAG "${tag}" PARENT_SCOPE)
    set(SEAL_LLAMA_COMMIT "${commit}" PARENT_SCOPE)
    set(${out_var} "${source_dir}" PARENT_SCOPE)
endfunction()

# Our fixes to llama.cpp live in native/patches/*.patch, applied in name order. Each patch explains
# in its header why it exists.
function(seal_apply_patches source_dir)
    file(GLOB patches "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../patches/*.patch")
    list(SORT patches)
    foreach(patch IN LISTS patches)
        message(STATUS "seal: applying ${patch}")
        execute_process(COMMAND "${GIT_EXECUTABLE}" apply --whitespace=nowarn "${patch}"
                        WORKING_DIRECTORY "${source_dir}" RESULT_VARIABLE rc)
        if(NOT rc EQUAL 0)
            message(FATAL_ERROR "SEAL_NATIVE_PATCH: ${patch} does not apply to this llama.cpp")
        endif()
    endforeach()
endfunction()
